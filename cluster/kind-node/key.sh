# The node image's content key (sourced by cluster/kind-node/build.sh, after cluster/scripts/lib.sh).
# shellcheck shell=bash
#
# kind_node_key: 16 hex digits over everything the image is made of: the versions and package lists, the
# scripts that assemble it, every file under rootfs/ (path, mode and content), and the checksums of the
# binaries it holds, as build.sh recorded them (bin_dir and kind_bin_dir manifests). A change in any of them
# builds the image anew; nothing else does.
kind_node_key() {
  local dir
  dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
  {
    cat "$dir/../versions.env" "$dir/packages.env" "$dir/build.sh" "$dir/key.sh"
    (cd "$dir/rootfs" && find . -type f -printf '%p %m\n' | LC_ALL=C sort | while read -r file mode; do
      echo "$file $mode $(sha256sum "$file" | cut -d' ' -f1)"
    done)
    for name in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet etcd pause; do
      [ ! -f "$bin_dir/SHA256SUMS" ] || awk -v n="$name" '$2 == n { print }' "$bin_dir/SHA256SUMS" | tail -1
    done
    for name in kubeadm kubectl coredns; do
      [ ! -f "$kind_bin_dir/SHA256SUMS" ] || awk -v n="$name" '$2 == n { print }' "$kind_bin_dir/SHA256SUMS" | tail -1
    done
  } | sha256sum | cut -c1-16
}
