#!/usr/bin/env bash
# Builds the kind node image zero-downtime.local/kind-node:<Kubernetes version> offline (npm run kind:node-image),
# from the same upstream binaries as the real cluster, for machines that reach no container registry:
#
#   bash cluster/kind-node/build.sh [--force]
#   kind create cluster --image zero-downtime.local/kind-node:v1.36.5 ...
#
# `kind build node-image` cannot work offline (it fetches etcd, CoreDNS, pause and kindnetd with `ctr content
# fetch`), but `kind create cluster --image IMG` uses a local image that meets kind's contract: /kind/version;
# kubeadm, kubelet and kubectl on the PATH; systemd as init behind an entrypoint that logs "detected cgroup v1"
# (or lets systemd reach the Multi-User System target); containerd with `ctr`, the control-plane images already
# imported under the names `kubeadm config images list` prints; /kind/manifests/default-cni.yaml. Pieces:
# - Debian bookworm rootfs from debootstrap (packages.env), cached as tarballs keyed by the package lists;
# - kubeadm, kubelet, kubectl, the control plane, etcd, pause and CoreDNS from cluster/scripts/build.sh --kind-node;
# - component images from `docker build`: FROM scratch for the static binaries, a Debian layer with iptables for
#   kube-proxy and our CNI daemon (rootfs/kind/manifests/default-cni.yaml);
# - our entrypoint, systemd units, containerd and kubelet configuration (rootfs/);
# - the images imported into the node's containerd at build time (a build container runs containerd alone).
#
# The finished image carries its content key as a label: a second run with the same inputs builds nothing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=../scripts/lib.sh
source "$here/../scripts/lib.sh"
# shellcheck source=packages.env
source "$here/packages.env"

force=false
for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h | --help)
      sed -n '2,6p' "$0"
      exit 0
      ;;
    *) die "kind-node: unknown argument '$arg' (accepted: --force)" ;;
  esac
done

image="${KIND_NODE_IMAGE_NAME:-zero-downtime.local/kind-node}:$KUBERNETES_VERSION"
node_cache="$cache_root/kind-node"
suite=bookworm
key_label=zero-downtime-rollout.kind-node.key

[ "$(id -u)" = 0 ] || die "kind-node: needs root (debootstrap and chroot)"
command -v docker >/dev/null && docker info >/dev/null 2>&1 || die "kind-node: the Docker daemon does not answer; run scripts/docker/ensure-docker.sh first"

step "binaries (cluster/scripts/build.sh --kind-node)"
bash "$cluster_dir/scripts/build.sh" --kind-node
step_done

# shellcheck source=key.sh
source "$here/key.sh"
key=$(kind_node_key)
if [ "$force" = false ] && [ "$(docker image inspect -f "{{ index .Config.Labels \"$key_label\" }}" "$image" 2>/dev/null)" = "$key" ]; then
  step "$image is up to date (key $key), nothing to do (--force rebuilds it)"
  exit 0
fi

mkdir -p "$node_cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/kind-node.XXXXXX")
build_container="zdr-kind-node-build-$$"
stage_image="zero-downtime.local/kind-node-stage:$$"
cleanup() {
  docker rm -f "$build_container" >/dev/null 2>&1 || true
  docker rmi "$stage_image" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

# 1. The Debian roots, one for the node, one for the layer under kube-proxy and the CNI daemon.
rootfs_key=$(cat "$here/packages.env" | sha256sum | cut -c1-12)
rootfs_tar() { # rootfs_tar NAME PACKAGES: a cached tarball of debootstrap --include=PACKAGES
  local name=$1 packages=$2 tar="$node_cache/$suite-$1-$rootfs_key.tar" stage
  if [ -s "$tar" ]; then
    echo "    $name rootfs: cached ($tar)" >&2
  else
    command -v debootstrap >/dev/null || {
      apt-get update -q >/dev/null
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null
    }
    stage=$(mktemp -d "$node_cache/debootstrap.XXXXXX")
    echo "    $name rootfs: debootstrap $suite with $packages" >&2
    debootstrap --variant=minbase --include="${packages// /,}" "$suite" "$stage/rootfs" "$(debian_mirror)" \
      >"$node_cache/debootstrap-$name.log" 2>&1 || {
      rm -rf "$stage"
      die "kind-node: debootstrap failed, see $node_cache/debootstrap-$name.log"
    }
    rm -rf "$stage"/rootfs/var/cache/apt/archives/*.deb "$stage"/rootfs/var/lib/apt/lists/*
    tar -C "$stage/rootfs" --numeric-owner -cf "$tar.partial" .
    mv "$tar.partial" "$tar"
    rm -rf "$stage"
  fi
  echo "$tar"
}
# The mirror apt already uses on this host (as scripts/docker/build-offline-base.sh finds it).
debian_mirror() {
  local url
  url=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
    /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1 || true)
  [ -n "$url" ] || url=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }' \
    /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -n1 || true)
  echo "${url:-http://deb.debian.org/debian}"
}
step "Debian $suite roots (debootstrap, cached in $node_cache)"
node_tar=$(rootfs_tar node "$NODE_PACKAGES")
net_tar=$(rootfs_tar net "$NET_PACKAGES")
step_done

# 2. The component images, named as kubeadm will ask for them.
step "component images (docker build)"
net_image="zero-downtime.local/kind-node-net:$rootfs_key"
docker image inspect "$net_image" >/dev/null 2>&1 ||
  docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' "$net_tar" "$net_image" >/dev/null
mapfile -t kubeadm_images < <("$kind_bin_dir/kubeadm" config images list --kubernetes-version "$KUBERNETES_VERSION")
image_for() { # image_for NAME: the tag kubeadm prints for registry.k8s.io/NAME
  local ref
  for ref in "${kubeadm_images[@]}"; do
    case "$ref" in */"$1":*) echo "$ref" && return ;; esac
  done
  die "kind-node: kubeadm config images list names no $1 image"
}
# docker build, quiet but for its errors (Docker 20.10's legacy builder warns on every call that it is legacy).
quiet_build() {
  local out
  out=$(docker build -q "$@" 2>&1) || die "kind-node: docker build $* failed: $out"
}
component_image() { # component_image TAG BASE BINARY_PATH ENTRYPOINT_JSON [EXTRA TAGS...]
  local tag=$1 base=$2 binary=$3 entrypoint=$4 context
  shift 4
  context=$(mktemp -d "$work/image.XXXXXX")
  cp "$binary" "$context/"
  {
    echo "FROM $base"
    echo "COPY ${binary##*/} /usr/local/bin/${binary##*/}"
    echo "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    echo "LABEL org.opencontainers.image.description=\"${binary##*/} $KUBERNETES_VERSION for the kind node image, built by cluster/kind-node/build.sh\""
    echo "ENTRYPOINT $entrypoint"
  } >"$context/Dockerfile"
  quiet_build -t "$tag" "${@/#/--tag=}" "$context"
  echo "    $tag${*:+ (also $*)}"
}
for name in kube-apiserver kube-controller-manager kube-scheduler; do
  component_image "$(image_for "$name")" scratch "$bin_dir/$name" "[\"/usr/local/bin/$name\"]"
done
component_image "$(image_for kube-proxy)" "$net_image" "$bin_dir/kube-proxy" '["/usr/local/bin/kube-proxy"]'
# etcd: our etcd ($ETCD_VERSION, the real cluster's) under the tag kubeadm pins.
component_image "$(image_for etcd)" scratch "$bin_dir/etcd" '["/usr/local/bin/etcd"]'
component_image "$(image_for pause)" scratch "$bin_dir/pause" '["/usr/local/bin/pause"]' "$ZDR_PAUSE_IMAGE"
# CoreDNS runs as root here: kubeadm's Deployment adds NET_BIND_SERVICE for port 53, which a non-root user gets
# only from a file capability on the binary (upstream's image sets one), and FROM scratch has no setcap.
component_image "$(image_for coredns)" scratch "$kind_bin_dir/coredns" '["/usr/local/bin/coredns"]'
cni_image="zero-downtime.local/kind-cni:$KUBERNETES_VERSION"
quiet_build -t "$cni_image" - <<EOF
FROM $net_image
LABEL org.opencontainers.image.description="writes the kind node's CNI configuration (cluster/kind-node)"
EOF
echo "    $cni_image"
images=("${kubeadm_images[@]}" "$ZDR_PAUSE_IMAGE" "$cni_image")
docker save -o "$work/images.tar" "${images[@]}"
step_done "$(du -h "$work/images.tar" | cut -f1) of images"

# 3. The node's root: Debian, our files, the binaries, /kind/version.
step "the node's root filesystem"
root="$work/rootfs"
mkdir -p "$root"
tar -C "$root" --numeric-owner -xf "$node_tar"
cp -a "$here/rootfs/." "$root/"
for file in etc/containerd/config.toml kind/manifests/default-cni.yaml; do
  sed -i "s/@KUBERNETES_VERSION@/$KUBERNETES_VERSION/g" "$root/$file"
done
for name in kubeadm kubectl; do install -m 0755 "$kind_bin_dir/$name" "$root/usr/bin/$name"; done
install -m 0755 "$bin_dir/kubelet" "$root/usr/bin/kubelet"
echo "$KUBERNETES_VERSION" >"$root/kind/version"
mkdir -p "$root/etc/cni/net.d" "$root/var/lib/kubelet" "$root/etc/kubernetes/manifests"
# The image's machine id is empty (the entrypoint makes one per node); systemd in a container needs no getty.
: >"$root/etc/machine-id"
chroot "$root" systemctl enable containerd.service kubelet.service >/dev/null 2>&1
chroot "$root" systemctl mask getty@tty1.service console-getty.service systemd-logind.service \
  systemd-udevd.service systemd-udev-trigger.service systemd-networkd-wait-online.service >/dev/null 2>&1 || true
chroot "$root" systemctl set-default multi-user.target >/dev/null 2>&1
tar -C "$root" --numeric-owner -c . | docker import \
  --change 'ENV container=docker' \
  - "$stage_image" >/dev/null
step_done

# 4. The images into the node's containerd: a build container runs containerd alone (no systemd) and imports
# them without unpacking (the node unpacks them on its /var volume; unpacking here would stack overlayfs on
# Docker's overlayfs), then is committed as the node image.
step "importing the images into the node's containerd"
docker run -d --name "$build_container" --privileged --entrypoint /usr/bin/containerd \
  -v "$work/images.tar:/images.tar:ro" "$stage_image" >/dev/null
for _ in $(seq 1 60); do
  docker exec "$build_container" ctr version >/dev/null 2>&1 && break
  sleep 1
done
docker exec "$build_container" ctr -n k8s.io images import --no-unpack /images.tar >/dev/null
imported=$(docker exec "$build_container" ctr -n k8s.io images list -q)
for ref in "${images[@]}"; do
  grep -qx "$ref" <<<"$imported" || die "kind-node: $ref is not in the node's containerd after the import"
done
docker stop -t 10 "$build_container" >/dev/null
docker commit \
  --change 'ENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]' \
  --change 'CMD []' \
  --change "LABEL $key_label=$key" \
  --change "LABEL org.opencontainers.image.description=\"kind node image for Kubernetes $KUBERNETES_VERSION, built offline by cluster/kind-node/build.sh\"" \
  "$build_container" "$image" >/dev/null
step_done "${#images[@]} images"
step "$image ready (key $key): kind create cluster --image $image"
