#!/usr/bin/env bash
# Builds the cluster's binaries from their upstream Go modules into the cache (cluster/scripts/lib.sh: bin_dir).
# A second run with the same versions builds nothing. A cold build takes tens of minutes on 2 cores.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v go >/dev/null || die "Go is not installed: the cluster builds from Go modules and needs Go >= 1.26"

export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=mod
kube_minor="${KUBERNETES_VERSION#v1.}"
kube_minor="${kube_minor%%.*}"
# The version every component reports (`kubectl version`), as upstream's hack/lib/version.sh stamps it.
version_ldflags=""
for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
  version_ldflags+=" -X $pkg.gitVersion=$KUBERNETES_VERSION -X $pkg.gitMajor=1 -X $pkg.gitMinor=$kube_minor -X $pkg.gitTreeState=clean"
done

mkdir -p "$bin_dir"
build() { # build NAME MODULE_DIR PACKAGE [LDFLAGS]
  local name=$1 module=$2 package=$3 ldflags="-s -w ${4:-}"
  if [ -x "$bin_dir/$name" ]; then
    echo "    $name: cached"
    return
  fi
  step "building $name ($package)"
  (cd "$cluster_dir/modules/$module" && go build -trimpath -ldflags "$ldflags" -o "$bin_dir/$name.partial" "$package")
  mv "$bin_dir/$name.partial" "$bin_dir/$name"
  step_done
}

step "binaries for Kubernetes $KUBERNETES_VERSION and etcd $ETCD_VERSION in $bin_dir"
build pause pause .
build etcd etcd go.etcd.io/etcd/server/v3
for component in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet; do
  build "$component" kubernetes "k8s.io/kubernetes/cmd/$component" "$version_ldflags"
done
step "all binaries ready"
