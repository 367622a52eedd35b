# Shared by the cluster scripts: where things live, what the cluster owns, and how a step reports its time.
# shellcheck shell=bash
cluster_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=../versions.env
source "$cluster_dir/versions.env"

die() {
  echo "cluster: $*" >&2
  exit 2
}

# Built binaries are cached outside the clone, keyed by the versions and by our module files, so a fresh clone in
# another folder (CI) finds what an earlier run built, and a change of version builds anew. build.sh writes the
# checksum of every binary it builds into the manifest; up.sh runs none that does not match it.
cache_root="${ZDR_CLUSTER_CACHE:-${ZDR_CACHE_DIR:-$HOME/.cache/zero-downtime-rollout}/cluster}"
# The modules the cluster runs are named one by one: a module only the kind node image needs (coredns) must not
# change this key, or every CI run would rebuild the cluster cold.
cluster_modules="etcd kubernetes pause"
build_key="k8s-${KUBERNETES_VERSION}-etcd-${ETCD_VERSION}-$(for f in go.mod go.sum; do for m in $cluster_modules; do [ ! -f "$cluster_dir/modules/$m/$f" ] || cat "$cluster_dir/modules/$m/$f"; done; done | cat - "$cluster_dir"/modules/pause/*.go | sha256sum | cut -c1-12)"
bin_dir="$cache_root/bin/$build_key"
manifest="$bin_dir/SHA256SUMS"
# What only the kind node image needs (kubeadm and kubectl from cluster/modules/kind-node, the same requirements as
# the cluster's; CoreDNS at the version kubeadm pins): a folder and key of their own.
kind_node_key="kind-node-${KUBERNETES_VERSION}-$(cat "$cluster_dir"/modules/kind-node/go.mod "$cluster_dir"/modules/kind-node/go.sum "$cluster_dir"/modules/coredns/go.mod "$cluster_dir"/modules/coredns/go.sum 2>/dev/null | sha256sum | cut -c1-12)"
kind_bin_dir="$cache_root/bin/$kind_node_key"

# check_folder NAME VALUE: a folder the cluster makes and later removes whole. An absolute, normalized path of
# plain characters (mountinfo and awk see it as we do), never / itself.
check_folder() {
  local name=$1 value=$2 part
  case "$value" in
    /) die "$name=/: the root folder is never a cluster's" ;;
    /*) ;;
    *) die "$name=$value: must be an absolute path" ;;
  esac
  [[ "$value" =~ ^(/[A-Za-z0-9._-]+)+$ ]] || die "$name=$value: may hold only letters, digits, '.', '_', '-' and '/' (no trailing /)"
  IFS=/ read -ra parts <<<"${value#/}"
  for part in "${parts[@]}"; do
    [ "$part" != . ] && [ "$part" != .. ] || die "$name=$value: must be a normalized path (no . or ..)"
  done
  # Through a symlink, the folder named is not the folder removed.
  [ "$(realpath -m "$value")" = "$value" ] || die "$name=$value: goes through a symlink (it is $(realpath -m "$value")): name the real path"
}
check_value() { # check_value NAME VALUE REGEX WHAT
  [[ "$2" =~ $3 ]] || die "$1=$2: must be $4"
}

# Everything a running cluster owns lives under two folders up.sh makes itself: the state (persistent: certificates,
# etcd, images) and the run folder (tmpfs: PID files, containerd's state and sockets, pod network namespaces), so
# that after a reboot no PID file outlives its process. Each holds a marker up.sh writes; down.sh refuses a folder
# without it.
state_dir="${ZDR_CLUSTER_STATE:-/var/lib/zero-downtime-rollout/cluster}"
run_dir="${ZDR_CLUSTER_RUN:-/run/zero-downtime-rollout/cluster}"
check_folder ZDR_CLUSTER_STATE "$state_dir"
check_folder ZDR_CLUSTER_RUN "$run_dir"
log_dir="$state_dir/logs"
marker_name=.zero-downtime-cluster
# One lock for every up and down on this machine: two clusters' kube-proxies would fight over the same chains.
lock_file=/run/lock/zero-downtime-rollout-cluster.lock

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

# The cluster's names, addresses and ports. The pod and Service ranges live only on the cluster's own bridge;
# up.sh adds the rules that fence them in.
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
export ZDR_KUBELET_PORT=10250
export ZDR_PAUSE_IMAGE="zero-downtime.local/pause:${KUBERNETES_VERSION}"
export ZDR_CNI_BIN_DIR="${ZDR_CNI_BIN_DIR:-/usr/lib/cni}"
# The kubelet's cgroup root (kind's cgroupRoot: /kubelet): every pod's cgroup lies under it, so down.sh finds
# them there and touches no other kubelet's kubepods.
export ZDR_CGROUP_ROOT=zero-downtime-rollout
check_value ZDR_NODE_NAME "$ZDR_NODE_NAME" '^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$' 'a DNS label (lower case, digits, -)'
check_value ZDR_CONTEXT "$ZDR_CONTEXT" '^[A-Za-z0-9._-]+$' 'letters, digits, ., _ or -'
check_value ZDR_BRIDGE "$ZDR_BRIDGE" '^[A-Za-z0-9_-]{1,15}$' 'an interface name of 1 to 15 letters, digits, _ or -'
ipv4='(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])(\.(25[0-5]|2[0-4][0-9]|1?[0-9]?[0-9])){3}'
for setting in ZDR_POD_CIDR ZDR_SERVICE_CIDR; do
  check_value "$setting" "${!setting}" "^$ipv4/([0-9]|[12][0-9]|3[0-2])$" 'an IPv4 range such as 10.244.0.0/24'
done
for setting in ZDR_BRIDGE_IP ZDR_API_SERVICE_IP; do
  check_value "$setting" "${!setting}" "^$ipv4$" 'an IPv4 address'
done
for setting in ZDR_API_PORT ZDR_ETCD_PORT; do
  check_value "$setting" "${!setting}" '^([1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3})$' 'a port from 1 to 64999'
done
[ -d "$ZDR_CNI_BIN_DIR" ] || [ ! -e "$ZDR_CNI_BIN_DIR" ] || die "ZDR_CNI_BIN_DIR=$ZDR_CNI_BIN_DIR: not a folder"
# Our own iptables chains: the fence (raw, filter) and isolation (mangle).
export ZDR_FENCE_CHAIN=ZDR-FENCE ZDR_INPUT_CHAIN=ZDR-INPUT ZDR_FORWARD_CHAIN=ZDR-FORWARD ZDR_ISOLATE_CHAIN=ZDR-ISOLATE
# The bridge's alias names the state it belongs to; down.sh deletes no interface without it.
bridge_alias="zero-downtime-rollout:$state_dir"
kubeconfig="$state_dir/kubeconfig/admin.conf"
containerd_socket="$run_dir/containerd.sock"

# Every process up.sh starts, in start order; down.sh stops them in reverse.
components="containerd etcd kube-apiserver kube-controller-manager kube-scheduler kubelet kube-proxy"

# take_lock: the machine's cluster lock, on fd 9, or exit 2 naming who holds it. A down.sh run by up.sh inherits
# up's fd 9, an open file that already holds the lock, and flock on it succeeds (flock(2): locks belong to the
# open file description); any other run opens the file anew and is refused.
take_lock() {
  mkdir -p "$(dirname "$lock_file")"
  if [ "$(readlink "/proc/$$/fd/9" 2>/dev/null)" != "$lock_file" ]; then exec 9<>"$lock_file"; fi
  if ! flock -n 9; then
    die "another cluster:up or cluster:down is running (pid $(head -c 20 "$lock_file" 2>/dev/null | tr -dc 0-9)): wait for it to end"
  fi
  # The holder's pid, for the line above; writing through another descriptor leaves the lock alone.
  echo "$$" >"$lock_file"
}

# A process's identity: its pid, its start time in clock ticks since boot (field 22 of /proc/PID/stat, which exec
# does not change), this boot's id, and the binary it runs. A PID file records all four; nothing is signalled
# unless all four still match, so a PID reused after a crash or a reboot is never mistaken for ours.
boot_id=$(cat /proc/sys/kernel/random/boot_id 2>/dev/null || echo unknown)
proc_start() { # proc_start PID
  local stat
  stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
  # The command name (field 2) may hold spaces and parentheses: fields 3 on start after its last ')'.
  read -ra fields <<<"${stat##*) }"
  echo "${fields[19]}"
}
proc_runs() { # proc_runs PID EXE: the process runs EXE (replaced on disk since: " (deleted)", still the same)
  local exe
  exe=$(readlink "/proc/$1/exe" 2>/dev/null) || return 1
  [ "$exe" = "$2" ] || [ "$exe" = "$2 (deleted)" ]
}
# pid_file_matches FILE: prints the pid FILE names when that very process still runs.
pid_file_matches() {
  local pid start boot exe
  [ -f "$1" ] && read -r pid start boot exe <"$1" || return 1
  [[ "$pid" =~ ^[1-9][0-9]*$ ]] && [ -n "$exe" ] || return 1
  [ "$boot" = "$boot_id" ] && [ "$(proc_start "$pid")" = "$start" ] && proc_runs "$pid" "$exe" && echo "$pid"
}
pid_of() { pid_file_matches "$run_dir/$1.pid"; } # pid_of NAME: the pid of a component we started, if it still runs

# marker_ok DIR: DIR is a real folder (no symlink on the way) holding the marker up.sh wrote, naming DIR itself.
marker_ok() {
  local dir=$1
  [ -d "$dir" ] && [ ! -L "$dir" ] && [ "$(realpath -e "$dir" 2>/dev/null)" = "$dir" ] || return 1
  [ -f "$dir/$marker_name" ] && [ ! -L "$dir/$marker_name" ] || return 1
  [ "$(sed -n 's/^state=//p' "$dir/$marker_name" | head -1)" = "$state_dir" ]
}
# owned KEY: every value the state's marker records for KEY (what up.sh made), one a line.
owned() { sed -n "s/^$1=//p" "$state_dir/$marker_name" 2>/dev/null; }

# verify_binary NAME [DIR]: the binary is the one build.sh built (its checksum as in DIR's manifest; DIR: bin_dir).
verify_binary() {
  local expected dir=${2:-$bin_dir}
  expected=$(awk -v n="$1" '$2 == n { print $1 }' "$dir/SHA256SUMS" 2>/dev/null | tail -1)
  [ -n "$expected" ] && [ "$(sha256sum "$dir/$1" 2>/dev/null | cut -d' ' -f1)" = "$expected" ]
}

# foreign_kubernetes: one line for each sign of another Kubernetes on this machine's network (its iptables chains,
# kube-proxy's nftables table, a kubelet or kube-proxy that is not ours). up.sh refuses to start next to one;
# down.sh then leaves the KUBE-* chains alone. A kind node runs its own in a network namespace of its own: those
# share nothing with us, and do not count.
foreign_kubernetes() {
  local tool table proc exe our_net
  our_net=$(readlink /proc/self/ns/net)
  for tool in iptables ip6tables; do
    command -v "$tool" >/dev/null || continue
    for table in filter nat mangle raw; do
      "$tool" -t "$table" -S 2>/dev/null | awk -v t="$tool -t $table" '$1 == "-N" && $2 ~ /^KUBE-/ { print t " chain " $2; exit }'
    done
  done
  if command -v nft >/dev/null; then nft list tables 2>/dev/null | awk '$3 == "kube-proxy" { print "nftables table " $2 " " $3 }'; fi
  for proc in /proc/[0-9]*; do
    exe=$(readlink "$proc/exe" 2>/dev/null) || continue
    case "${exe##*/}" in
      kubelet | kube-proxy | kube-apiserver | k3s | k3s-server | k3s-agent | k0s | rke2)
        [ "$(readlink "$proc/ns/net" 2>/dev/null)" = "$our_net" ] || continue
        case "$exe" in "$cache_root/bin/"*) ;; *) echo "process ${proc#/proc/} $exe" ;; esac ;;
    esac
  done
}

# cgroup_mounts: every mounted cgroup hierarchy (v1 controllers, the named systemd one, v2), one a line. In
# mountinfo the file system type follows the " - " after a variable number of optional fields.
cgroup_mounts() {
  awk '{ for (i = 7; i < NF; i++) if ($i == "-") { if ($(i + 1) == "cgroup" || $(i + 1) == "cgroup2") print $5; break } }' /proc/self/mountinfo
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

# cluster_healthy: every component runs (as recorded), the API server is ready and the node Ready.
cluster_healthy() {
  local component
  marker_ok "$state_dir" || return 1
  for component in $components; do pid_of "$component" >/dev/null || return 1; done
  kubectl_admin get --raw /readyz >/dev/null 2>&1 &&
    [ "$(kubectl_admin get node "$ZDR_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null)" = True ]
}
