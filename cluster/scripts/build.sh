#!/usr/bin/env bash
# Builds the cluster's binaries from their upstream Go modules into the cache (cluster/scripts/lib.sh: bin_dir).
# A second run with the same versions builds nothing. A cold build takes tens of minutes on 2 cores.
#
# A binary counts as built only when the manifest (bin_dir/SHA256SUMS) holds its checksum and the file still has
# it: an interrupted build, a file changed since, or a cache made before the manifest builds again. up.sh checks
# the same checksum again before it runs a binary as root.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
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

build() { # build NAME MODULE_DIR PACKAGE [LDFLAGS]
  local name=$1 module=$2 package=$3 ldflags="-s -w ${4:-}" sum
  if verify_binary "$name"; then
    echo "    $name: cached (checksum as in the manifest)"
    return
  fi
  step "building $name ($package)"
  (cd "$cluster_dir/modules/$module" && go build -trimpath -ldflags "$ldflags" -o "$bin_dir/$name.partial" "$package")
  chmod 755 "$bin_dir/$name.partial"
  sum=$(sha256sum "$bin_dir/$name.partial" | cut -d' ' -f1)
  mv "$bin_dir/$name.partial" "$bin_dir/$name"
  # The manifest gains this line last: a build cut short before here is rebuilt next time.
  { grep -v " $name\$" "$manifest" 2>/dev/null || true; echo "$sum  $name"; } >"$manifest.partial"
  chmod 644 "$manifest.partial"
  mv "$manifest.partial" "$manifest"
  step_done
}

step "binaries for Kubernetes $KUBERNETES_VERSION and etcd $ETCD_VERSION in $bin_dir"
build pause pause .
build etcd etcd go.etcd.io/etcd/server/v3
for component in kube-apiserver kube-controller-manager kube-scheduler kube-proxy kubelet; do
  build "$component" kubernetes "k8s.io/kubernetes/cmd/$component" "$version_ldflags"
done
step "all binaries ready"
