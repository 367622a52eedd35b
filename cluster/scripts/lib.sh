# Shared by the cluster scripts: where things live, and how a step reports its time.
# shellcheck shell=bash
cluster_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../versions.env
source "$cluster_dir/versions.env"

# Built binaries are cached outside the clone, keyed by the versions and by our module files, so a fresh clone in
# another folder (CI) finds what an earlier run built, and a change of version builds anew.
cache_root="${ZDR_CLUSTER_CACHE:-$HOME/.cache/zero-downtime-rollout/cluster}"
build_key="k8s-${KUBERNETES_VERSION}-etcd-${ETCD_VERSION}-$(cat "$cluster_dir"/modules/*/go.mod "$cluster_dir"/modules/*/go.sum "$cluster_dir"/modules/pause/*.go 2>/dev/null | sha256sum | cut -c1-12)"
bin_dir="$cache_root/bin/$build_key"
# build.sh writes the checksum of every binary it builds here; up.sh runs none that does not match it.
manifest="$bin_dir/SHA256SUMS"

# Everything a running cluster owns lives under one state folder, so `down` knows exactly what to remove.
state_dir="${ZDR_CLUSTER_STATE:-/var/lib/zero-downtime-rollout/cluster}"
run_dir="$state_dir/run"
log_dir="$state_dir/logs"

script_started_at=$(date +%s)
step_started_at=$script_started_at
step() {
  local now
  now=$(date +%s)
  printf '==> [+%4ss] %s\n' "$((now - script_started_at))" "$*"
  step_started_at=$now
}
step_done() {
  printf '    done in %ss%s\n' "$(($(date +%s) - step_started_at))" "${1:+: $1}"
}
die() {
  echo "cluster: $*" >&2
  exit 2
}

# The cluster's names, addresses and ports. The pod and Service ranges live only on the cluster's own bridge;
# up.sh adds the rules that stop anything from them leaving through another interface.
export ZDR_STATE="$state_dir" ZDR_RUN="$run_dir"
export ZDR_NODE_NAME="${ZDR_NODE_NAME:-zero-downtime-node}"
export ZDR_CONTEXT="${ZDR_CONTEXT:-zero-downtime-local}"
export ZDR_BRIDGE="${ZDR_BRIDGE:-zdr0}"
export ZDR_POD_CIDR="${ZDR_POD_CIDR:-10.244.0.0/24}"
export ZDR_BRIDGE_IP="${ZDR_BRIDGE_IP:-10.244.0.1}"
export ZDR_SERVICE_CIDR="${ZDR_SERVICE_CIDR:-10.96.0.0/24}"
export ZDR_API_SERVICE_IP="${ZDR_API_SERVICE_IP:-10.96.0.1}"
export ZDR_API_PORT="${ZDR_API_PORT:-16443}"
export ZDR_ETCD_PORT="${ZDR_ETCD_PORT:-12379}"
export ZDR_PAUSE_IMAGE="zero-downtime.local/pause:${KUBERNETES_VERSION}"
export ZDR_CNI_BIN_DIR="${ZDR_CNI_BIN_DIR:-/usr/lib/cni}"
# Our own iptables chains: isolation (mangle) and the bridge let through Docker's FORWARD policy (filter).
export ZDR_ISOLATE_CHAIN=ZDR-ISOLATE ZDR_FORWARD_CHAIN=ZDR-FORWARD
kubeconfig="$state_dir/kubeconfig/admin.conf"
containerd_socket="$run_dir/containerd.sock"

# Every process up.sh starts, in start order; down.sh stops them in reverse.
components="containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy"

pid_of() { # pid_of NAME: the pid of a component we started, if it still runs
  local file="$run_dir/$1.pid" pid
  [ -f "$file" ] || return 1
  pid=$(cat "$file")
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

# verify_binary NAME: the binary is the one build.sh built (its checksum as in the manifest).
verify_binary() {
  local expected
  expected=$(awk -v n="$1" '$2 == n { print $1 }' "$manifest" 2>/dev/null | tail -1)
  [ -n "$expected" ] && [ "$(sha256sum "$bin_dir/$1" 2>/dev/null | cut -d' ' -f1)" = "$expected" ]
}

# wait_for SECONDS WHAT COMMAND...: runs COMMAND every second until it succeeds, or fails with WHAT.
wait_for() {
  local seconds=$1 what=$2
  shift 2
  local deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    if [ "$(date +%s)" -ge "$deadline" ]; then
      die "$what did not happen within ${seconds}s (logs: $log_dir)"
    fi
    sleep 1
  done
}

kubectl_admin() { kubectl --kubeconfig "$kubeconfig" --context "$ZDR_CONTEXT" "$@"; }
