#!/usr/bin/env bash
# Builds the cluster's binaries from their upstream Go modules into the cache (cluster/scripts/lib.sh: bin_dir).
# A second run with the same versions builds nothing. A cold build takes tens of minutes on 2 cores.
#
#   bash cluster/scripts/build.sh               the real cluster's binaries (what CI builds)
#   bash cluster/scripts/build.sh --kind-node   those, plus what only the kind node image needs: kubeadm and kubectl
#                                               (cluster/modules/kind-node) and CoreDNS (cluster/modules/coredns), into kind_bin_dir
#
# A binary counts as built only when the manifest (bin_dir/SHA256SUMS) holds its checksum and the file still has
# it: an interrupted build, a file changed since, or a cache made before the manifest builds again. up.sh checks
# the same checksum again before it runs a binary as root.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
kind_node=false
for arg in "$@"; do
  case "$arg" in
    --kind-node) kind_node=true ;;
    *) die "build.sh: unknown argument '$arg' (accepted: --kind-node)" ;;
  esac
done
command -v go >/dev/null || die "Go is not installed: the cluster builds from Go modules and needs Go >= 1.26"

# -mod=readonly: the build uses go.mod and go.sum as committed and fails rather than rewriting them
# (cluster/modules/update.sh is the one place that regenerates them). https://go.dev/ref/mod#build-commands
export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly
kube_minor="${KUBERNETES_VERSION#v1.}"
kube_minor="${kube_minor%%.*}"
# The version every component reports (`kubectl version`), as upstream's hack/lib/version.sh stamps it.
version_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor -X $pkg.gitTreeState=clean"
done

# Root runs what is here: nobody else may write to it.
mkdir -p "$bin_dir"
chmod 755 "$bin_dir"
# One build at a time into this cache (two would race on the manifest).
exec 8>"$bin_dir/.build.lock"
flock 8

build() { # build NAME MODULE_DIR PACKAGE [LDFLAGS [DIR]]: into DIR (default bin_dir), its checksum in DIR's manifest
  local name=$1 module=$2 package=$3 ldflags="-s -w ${4:-}" dir=${5:-$bin_dir} sum
  if verify_binary "$name" "$dir"; then
    echo "    $name: cached (checksum as in the manifest)"
    return
  fi
  step "building $name ($package)"
  (cd "$cluster_dir/modules/$module" && go build -trimpath -ldflags "$ldflags" -o "$dir/$name.partial" "$package")
  chmod 755 "$dir/$name.partial"
  sum=$(sha256sum "$dir/$name.partial" | cut -d' ' -f1)
  mv "$dir/$name.partial" "$dir/$name"
  # The manifest gains this line last: a build cut short before here is rebuilt next time.
  { grep -v " $name\$" "$dir/SHA256SUMS" 2>/dev/null || true; echo "$sum  $name"; } >"$dir/SHA256SUMS.partial"
  chmod 644 "$dir/SHA256SUMS.partial"
  mv "$dir/SHA256SUMS.partial" "$dir/SHA256SUMS"
  step_done
}

step "binaries for Kubernetes $KUBERNETES_VERSION and etcd $ETCD_VERSION in $bin_dir"
build pause pause .
build etcd etcd go.etcd.io/etcd/server/v3
for component in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet; do
  build "$component" kubernetes "k8s.io/kubernetes/cmd/$component" "$version_ldflags"
done
if [ "$kind_node" = true ]; then
  step "the kind node image's own: kubeadm, kubectl, CoreDNS"
  mkdir -p "$kind_bin_dir"
  chmod 755 "$kind_bin_dir"
  for component in kubeadm kubectl; do
    build "$component" kind-node "k8s.io/kubernetes/cmd/$component" "$version_ldflags" "$kind_bin_dir"
  done
  build coredns coredns github.com/coredns/coredns "" "$kind_bin_dir"
fi
step "all binaries ready"
