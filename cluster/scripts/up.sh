#!/usr/bin/env bash
# npm run cluster:up [-- --recreate]: a real single-node Kubernetes on this machine, from upstream binaries built by
# build.sh.
#
# Linux, as root. Starts a containerd of its own, etcd (mutual TLS), the control plane, a kubelet and kube-proxy;
# imports hello:v1 and hello:v2; waits until the node is Ready and kube-proxy healthy; prints how to use it.
# A cluster that is already up and healthy is left as it is (exit 0), unless --recreate; what is left of a broken
# one is taken down first. Everything it makes is recorded in the state folder's marker before it is made, and
# down.sh removes exactly that. If up fails or is interrupted (Ctrl-C, SIGTERM), it takes down what it made.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/pki.sh"
repo_root="$(cd "$cluster_dir/.." && pwd)"

recreate=false
for arg in "$@"; do
  case "$arg" in
    --recreate) recreate=true ;;
    *) die "unknown flag $arg (usage: npm run cluster:up [-- --recreate])" ;;
  esac
done
[ "$(uname -s)" = Linux ] || die "the cluster runs on Linux only"
[ "$(id -u)" = 0 ] || die "cluster:up needs root (containerd, the kubelet and iptables do); run it with sudo"
take_lock

if [ -e "$state_dir" ] || [ -e "$run_dir" ]; then
  for folder in "$state_dir" "$run_dir"; do
    [ ! -e "$folder" ] || marker_ok "$folder" ||
      die "$folder exists and cluster:up did not make it (no $marker_name naming $state_dir): up makes its folders itself; set ZDR_CLUSTER_STATE and ZDR_CLUSTER_RUN to paths that do not exist (a cluster of an older checkout, without markers, goes down with that checkout's cluster:down)"
  done
  if ! $recreate && cluster_healthy; then
    echo "cluster: already up and healthy (node $ZDR_NODE_NAME, context $ZDR_CONTEXT); npm run cluster:up -- --recreate makes it anew"
    echo "export KUBECONFIG=$kubeconfig"
    exit 0
  fi
  if $recreate; then step "--recreate: taking the cluster down first"; else step "what is left of a cluster is here: taking it down first"; fi
  bash "$cluster_dir/scripts/down.sh" --quiet
fi

step "prerequisites"
missing_packages=()
command -v containerd >/dev/null || missing_packages+=("$CONTAINERD_PACKAGE")
command -v runc >/dev/null || missing_packages+=("$RUNC_PACKAGE")
[ -x "$ZDR_CNI_BIN_DIR/bridge" ] || missing_packages+=("$CNI_PLUGINS_PACKAGE")
command -v conntrack >/dev/null || missing_packages+=(conntrack)
command -v iptables >/dev/null || missing_packages+=(iptables)
command -v openssl >/dev/null || missing_packages+=(openssl)
if [ ${#missing_packages[@]} -gt 0 ]; then
  command -v apt-get >/dev/null || die "missing ${missing_packages[*]}, and this is not a Debian/Ubuntu host: install them"
  echo "    apt-get install ${missing_packages[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing_packages[@]}" >/dev/null || die "apt-get install ${missing_packages[*]} failed"
fi
command -v kubectl >/dev/null || die "kubectl is missing: install it (Debian: kubernetes-client), then run cluster:up again"
[ -x "$ZDR_CNI_BIN_DIR/tuning" ] || die "$ZDR_CNI_BIN_DIR/tuning is missing (it turns IPv6 off in every pod): reinstall $CNI_PLUGINS_PACKAGE"
ipv6=false
if [ -d /proc/sys/net/ipv6 ]; then
  ipv6=true
  command -v ip6tables >/dev/null || die "this host has IPv6 but no ip6tables: pods could not be fenced in; install iptables"
fi
step_done "containerd $(containerd --version | awk '{print $3}'), runc $(runc --version | awk 'NR==1{print $3}')"

bash "$cluster_dir/scripts/build.sh"
# Root runs these: a binary, the manifest or a folder on the way that others can write to would let them put their
# own there (a sticky folder such as /tmp aside: others cannot rename what is ours in it).
path=$bin_dir
for entry in $(find "$bin_dir" -maxdepth 1 -type f) $(while [ "$path" != / ]; do echo "$path" && path=$(dirname "$path"); done) /; do
  read -r owner mode < <(stat -c '%u %a' "$entry")
  if ! ((8#$mode & 01000)) && { [ "$owner" != 0 ] || ((8#$mode & 022)); }; then
    die "$entry can be changed by others than root (owner uid $owner, mode $mode): root runs the binaries there; fix its owner and mode, or set ZDR_CLUSTER_CACHE"
  fi
done

step "this machine: no other Kubernetes, the names free"
foreign=$(foreign_kubernetes)
[ -z "$foreign" ] || die "another Kubernetes is on this machine ($(echo "$foreign" | head -3 | paste -sd ';' | sed 's/;/; /g')): a second kubelet and kube-proxy would fight over its iptables chains; take it down first (cluster/scripts/leftovers.sh lists what an earlier cluster of ours left)"
if ip link show "$ZDR_BRIDGE" >/dev/null 2>&1; then
  [ "$(cat "/sys/class/net/$ZDR_BRIDGE/ifalias" 2>/dev/null)" = "$bridge_alias" ] ||
    die "ZDR_BRIDGE=$ZDR_BRIDGE: an interface of that name exists and cluster:up did not make it (its alias is not $bridge_alias); name another"
  ip link delete "$ZDR_BRIDGE" # ours, by its alias: left by a cluster whose state is gone
fi
step_done

# From here on everything made is recorded first (own) and, should up not finish, taken down again.
new_folders=()
for folder in "$state_dir" "$run_dir"; do
  parent=$(dirname "$folder")
  while [ ! -e "$parent" ]; do new_folders=("$parent" "${new_folders[@]}") && parent=$(dirname "$parent"); done
done
on_exit() {
  local status=$?
  trap - EXIT INT TERM
  [ "$status" = 0 ] && return 0
  echo "cluster: cluster:up did not finish (exit $status): taking down what it made" >&2
  # The components' logs go with the state: keep them for a failure (not for Ctrl-C), where the line above points.
  if [ "$status" != 130 ] && [ "$status" != 143 ] && [ -d "$log_dir" ]; then
    kept=$(mktemp -d /tmp/zero-downtime-cluster-logs.XXXXXX)
    cp -r "$log_dir/." "$kept/" && echo "cluster: the components' logs are kept in $kept" >&2
  fi
  if [ -f "$state_dir/$marker_name" ] || [ -f "$run_dir/$marker_name" ]; then
    bash "$cluster_dir/scripts/down.sh" --quiet >&2 || echo "cluster: cluster:down failed too: run it again, then cluster/scripts/leftovers.sh" >&2
  fi
  # A folder made a moment before its marker was written; parents down.sh did not reach. rmdir: empty ones only.
  rmdir "$state_dir" "$run_dir" 2>/dev/null || true
  for ((i = ${#new_folders[@]} - 1; i >= 0; i--)); do rmdir "${new_folders[i]}" 2>/dev/null || true; done
  exit "$status"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
# Between making a thing and recording how to find it (a PID file, the bridge's alias), a signal waits.
pending_signal=
defer_signals() { pending_signal= && trap 'pending_signal=130' INT && trap 'pending_signal=143' TERM; }
resume_signals() {
  trap 'exit 130' INT
  trap 'exit 143' TERM
  [ -z "$pending_signal" ] || exit "$pending_signal"
}
own() { echo "$1=$2" >>"$state_dir/$marker_name"; } # own KEY VALUE: what up is about to make, for down.sh

step "host: folders, mounts, sysctls, the bridge $ZDR_BRIDGE and the fence around the pods"
mkdir -p "$(dirname "$state_dir")" "$(dirname "$run_dir")"
mkdir -m 755 "$state_dir"
{
  echo "# A zero-downtime-rollout cluster's state, made by cluster/scripts/up.sh; npm run cluster:down removes this"
  echo "# folder and everything listed below, and nothing else."
  echo "state=$state_dir"
  echo "run=$run_dir"
  for folder in "${new_folders[@]}"; do echo "made_dir=$folder"; done
} >"$state_dir/$marker_name"
mkdir -m 700 "$run_dir"
echo "state=$state_dir" >"$run_dir/$marker_name"
mkdir -p "$log_dir" "$state_dir/cni/net.d" "$state_dir/pod-logs"
# Restored by down.sh: what the host had before.
findmnt -no PROPAGATION / >"$state_dir/root-propagation"
# The kubelet sets kernel.* and vm.* (protectKernelDefaults is false), kube-proxy route_localnet (for NodePorts on
# loopback), the CNI bridge plugin ip_forward; we set bridge-nf-call-*. kube-proxy leaves conntrack's settings as
# they are (kube-proxy.yaml); they are recorded anyway, so down.sh puts back whatever changed.
for key in net.bridge.bridge-nf-call-iptables net.bridge.bridge-nf-call-ip6tables net.ipv4.conf.all.route_localnet \
  net.ipv4.ip_forward net.netfilter.nf_conntrack_max net.netfilter.nf_conntrack_tcp_timeout_established \
  net.netfilter.nf_conntrack_tcp_timeout_close_wait vm.overcommit_memory vm.panic_on_oom kernel.panic \
  kernel.panic_on_oops kernel.keys.root_maxkeys kernel.keys.root_maxbytes; do
  if value=$(sysctl -n "$key" 2>/dev/null); then echo "$key $value"; fi
done >"$state_dir/sysctls"
# Container mounts must propagate (the kubelet and containerd need / shared; this host keeps it private).
mount --make-rshared /
# Pod-to-pod traffic on the bridge must pass iptables, or Service rules and the fence never see it.
sysctl -qw net.bridge.bridge-nf-call-iptables=1
if $ipv6; then sysctl -qw net.bridge.bridge-nf-call-ip6tables=1; fi
# The kubelet's cgroup root, in every hierarchy (it refuses one that does not exist). cpuset starts empty in a
# new cgroup v1 folder, and a process cannot join one with no CPUs: copy the parent's.
own cgroup "$ZDR_CGROUP_ROOT"
for hierarchy in $(cgroup_mounts); do
  mkdir -p "$hierarchy/$ZDR_CGROUP_ROOT"
  for file in cpuset.cpus cpuset.mems; do
    if [ -f "$hierarchy/$file" ]; then cat "$hierarchy/$file" >"$hierarchy/$ZDR_CGROUP_ROOT/$file"; fi
  done
done
own bridge "$ZDR_BRIDGE"
# One ip process makes the bridge and tags it, so no signal falls between: down.sh deletes only a tagged bridge.
printf 'link add %s type bridge\nlink set %s alias %s\n' "$ZDR_BRIDGE" "$ZDR_BRIDGE" "$bridge_alias" | ip -batch -
# No IPv6 on the bridge: the host has no IPv6 address there to answer pods on (the CNI's tuning plugin turns IPv6
# off inside every pod too, and ip6tables below drops what a pod turned back on).
if $ipv6; then sysctl -qw "net.ipv6.conf.$ZDR_BRIDGE.disable_ipv6=1"; fi
ip addr add "$ZDR_BRIDGE_IP/${ZDR_POD_CIDR#*/}" dev "$ZDR_BRIDGE"
ip link set "$ZDR_BRIDGE" up

# The fence. A pod gets to other pods (Services included, after kube-proxy's DNAT) and to nothing else.
add_chain() { own chain "$1:$2:$3" && "$1" -t "$2" -N "$3"; } # add_chain TOOL TABLE CHAIN: one of ours, recorded
# raw PREROUTING, before anything else sees the packet: from the bridge, only pod addresses. A pod with CAP_NET_RAW
# could otherwise send from any address, and every rule below that matches the pod range would miss it.
add_chain iptables raw "$ZDR_FENCE_CHAIN"
iptables -t raw -A "$ZDR_FENCE_CHAIN" -i "$ZDR_BRIDGE" ! -s "$ZDR_POD_CIDR" -j DROP
iptables -t raw -I PREROUTING 1 -j "$ZDR_FENCE_CHAIN"
# filter INPUT: what a pod sends to the host itself (its external address, docker0, the bridge's address, 127.0.0.1
# with route_localnet on) never reaches POSTROUTING. The host takes from pods only answers to its own connections
# (the kubelet's probes, NodePort traffic) and the kubelet's API; there is no cluster DNS to allow.
add_chain iptables filter "$ZDR_INPUT_CHAIN"
iptables -A "$ZDR_INPUT_CHAIN" -i "$ZDR_BRIDGE" -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT
iptables -A "$ZDR_INPUT_CHAIN" -i "$ZDR_BRIDGE" -d "$ZDR_BRIDGE_IP" -p tcp --dport "$ZDR_KUBELET_PORT" -j ACCEPT
iptables -A "$ZDR_INPUT_CHAIN" -i "$ZDR_BRIDGE" -j DROP
iptables -I INPUT 1 -j "$ZDR_INPUT_CHAIN"
# filter FORWARD: bridge to bridge only (br_netfilter passes bridged pod-to-pod traffic here too, and Docker sets
# the FORWARD policy to DROP); nothing is forwarded from the bridge elsewhere, or from elsewhere into it.
add_chain iptables filter "$ZDR_FORWARD_CHAIN"
iptables -A "$ZDR_FORWARD_CHAIN" -i "$ZDR_BRIDGE" -o "$ZDR_BRIDGE" -j ACCEPT
iptables -A "$ZDR_FORWARD_CHAIN" -i "$ZDR_BRIDGE" -j DROP
iptables -A "$ZDR_FORWARD_CHAIN" -o "$ZDR_BRIDGE" -j DROP
iptables -I FORWARD 1 -j "$ZDR_FORWARD_CHAIN"
# mangle POSTROUTING, for what the host itself sends: nothing from the pod or Service ranges leaves except over the
# bridge. Only there does -o name the interface a packet really leaves by: in filter OUTPUT it is still the one
# routed to before kube-proxy's DNAT (lo for a NodePort on 127.0.0.1). A packet still addressed to a Service IP
# there was not translated (no endpoints, or kube-proxy down) and goes nowhere.
add_chain iptables mangle "$ZDR_ISOLATE_CHAIN"
# Loopback never leaves the machine: the API server reaching the kubelet on the bridge's own address goes by lo.
iptables -t mangle -A "$ZDR_ISOLATE_CHAIN" -o lo -j RETURN
iptables -t mangle -A "$ZDR_ISOLATE_CHAIN" -s "$ZDR_POD_CIDR" ! -o "$ZDR_BRIDGE" -j DROP
iptables -t mangle -A "$ZDR_ISOLATE_CHAIN" -d "$ZDR_POD_CIDR" ! -o "$ZDR_BRIDGE" -j DROP
iptables -t mangle -A "$ZDR_ISOLATE_CHAIN" -s "$ZDR_SERVICE_CIDR" -j DROP
iptables -t mangle -A "$ZDR_ISOLATE_CHAIN" -d "$ZDR_SERVICE_CIDR" -j DROP
iptables -t mangle -I POSTROUTING 1 -j "$ZDR_ISOLATE_CHAIN"
# IPv6: none from the bridge at all (bridged pod to pod as well: bridge-nf-call-ip6tables), none forwarded into it.
if $ipv6; then
  add_chain ip6tables raw "$ZDR_FENCE_CHAIN"
  ip6tables -t raw -A "$ZDR_FENCE_CHAIN" -i "$ZDR_BRIDGE" -j DROP
  ip6tables -t raw -I PREROUTING 1 -j "$ZDR_FENCE_CHAIN"
  add_chain ip6tables filter "$ZDR_FORWARD_CHAIN"
  ip6tables -A "$ZDR_FORWARD_CHAIN" -i "$ZDR_BRIDGE" -j DROP
  ip6tables -A "$ZDR_FORWARD_CHAIN" -o "$ZDR_BRIDGE" -j DROP
  ip6tables -I FORWARD 1 -j "$ZDR_FORWARD_CHAIN"
fi
step_done

step "certificates (the cluster's CA and etcd's) and kubeconfigs"
make_pki
write_kubeconfig admin "$ZDR_CONTEXT"
for identity in kube-controller-manager kube-scheduler kube-proxy kubelet; do
  write_kubeconfig "$identity" "$identity"
done
for file in containerd.toml kubelet.yaml kube-proxy.yaml; do
  envsubst <"$cluster_dir/config/$file" >"$state_dir/$file"
done
envsubst <"$cluster_dir/config/cni.conflist" >"$state_dir/cni/net.d/10-zero-downtime.conflist"
step_done

# start NAME BINARY ARGS...: runs a component in the background, detached from this script, its log in the state
# and its identity in a PID file under the run folder. A binary of ours runs only with the manifest's checksum.
start() {
  local name=$1 exe pid start_ticks
  shift
  exe=$(realpath -e "$(command -v "$1")") || die "$1: not found"
  case "$exe" in
    "$bin_dir/"*) verify_binary "${exe##*/}" || die "$exe does not match its checksum in $manifest: run npm run cluster:build" ;;
  esac
  defer_signals
  # fd 9 is the cluster lock: a component that kept it open would hold it for as long as it runs.
  setsid nohup "$@" >"$log_dir/$name.log" 2>&1 </dev/null 9>&- &
  pid=$!
  start_ticks=$(proc_start "$pid") || start_ticks=gone
  echo "$pid $start_ticks $boot_id $exe" >"$run_dir/$name.pid"
  # Until exec, $! is a copy of this shell: the PID file names it from the start, and matches once it runs exe.
  for _ in $(seq 1 50); do proc_runs "$pid" "$exe" && break; sleep 0.1; done
  resume_signals
}
# alive NAME: fails with the component's last log lines when it has exited.
alive() {
  pid_of "$1" >/dev/null && return 0
  tail -n 20 "$log_dir/$1.log" >&2
  die "$1 exited during start-up (log: $log_dir/$1.log)"
}
wait_until() { # wait_until SECONDS COMPONENT WHAT COMMAND...
  local seconds=$1 component=$2 what=$3
  shift 3
  local deadline=$(($(date +%s) + seconds))
  until "$@" >/dev/null 2>&1; do
    alive "$component"
    [ "$(date +%s)" -lt "$deadline" ] || die "$what within ${seconds}s: no (log: $log_dir/$component.log)"
    sleep 1
  done
}

step "containerd (socket $containerd_socket)"
start containerd containerd --config "$state_dir/containerd.toml"
wait_until 30 containerd "containerd answers" ctr --address "$containerd_socket" version
step_done

step "images: $ZDR_PAUSE_IMAGE, hello:v1, hello:v2 into the cluster's containerd"
# A dockerd started here must not keep the cluster lock (fd 9) open.
bash "$repo_root/scripts/docker/ensure-docker.sh" >/dev/null 9>&-
# Always built from this checkout (Docker's layer cache makes an unchanged one quick): images left by an
# older checkout would run old code under these manifests.
NODE_IMAGE="${NODE_IMAGE:-node:24-bookworm-slim}"
if ! docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
  NODE_IMAGE="$NODE_IMAGE" bash "$repo_root/scripts/docker/build-offline-base.sh"
fi
NODE_IMAGE="$NODE_IMAGE" bash "$repo_root/scripts/docker/build-images.sh" | sed 's/^/    /'
verify_binary pause || die "$bin_dir/pause does not match its checksum in $manifest: run npm run cluster:build"
pause_context="$(mktemp -d)"
cp "$bin_dir/pause" "$pause_context/pause"
printf 'FROM scratch\nCOPY pause /pause\nUSER 65535:65535\nENTRYPOINT ["/pause"]\n' >"$pause_context/Dockerfile"
docker build -q -t "$ZDR_PAUSE_IMAGE" "$pause_context" >/dev/null
rm -rf "$pause_context"
# docker save + import: the same path that works on Docker's classic and containerd image stores. The stream can
# end early ("unexpected EOF") when another build retags hello:v1 on the same daemon meanwhile: try again.
for attempt in 1 2 3; do
  if docker save "$ZDR_PAUSE_IMAGE" hello:v1 hello:v2 |
    ctr --address "$containerd_socket" --namespace k8s.io images import - >/dev/null; then
    break
  fi
  [ "$attempt" -lt 3 ] || die "importing the images into the cluster's containerd failed 3 times"
  echo "    the import was cut short: trying again"
done
step_done

pki="$state_dir/pki"
step "etcd (https://127.0.0.1:$ZDR_ETCD_PORT, client certificates of its own CA only)"
# As kubeadm runs it: TLS for clients and peers, and a certificate signed by etcd's CA required of both
# (https://etcd.io/docs/v3.6/op-guide/security/). Without it any local process could read every Secret and write
# any pod, a privileged one included.
etcd_peer="https://127.0.0.1:$((ZDR_ETCD_PORT + 1))"
start etcd "$bin_dir/etcd" --name zero-downtime --data-dir "$state_dir/etcd" \
  --listen-client-urls "https://127.0.0.1:$ZDR_ETCD_PORT" --advertise-client-urls "https://127.0.0.1:$ZDR_ETCD_PORT" \
  --cert-file "$pki/etcd/server.crt" --key-file "$pki/etcd/server.key" \
  --client-cert-auth --trusted-ca-file "$pki/etcd/ca.crt" \
  --listen-peer-urls "$etcd_peer" --initial-advertise-peer-urls "$etcd_peer" --initial-cluster "zero-downtime=$etcd_peer" \
  --peer-cert-file "$pki/etcd/peer.crt" --peer-key-file "$pki/etcd/peer.key" \
  --peer-client-cert-auth --peer-trusted-ca-file "$pki/etcd/ca.crt" \
  --listen-metrics-urls "" --log-level warn
wait_until 30 etcd "etcd answers" curl -sf --cacert "$pki/etcd/ca.crt" --cert "$pki/etcd/healthcheck-client.crt" \
  --key "$pki/etcd/healthcheck-client.key" "https://127.0.0.1:$ZDR_ETCD_PORT/health"
step_done

step "kube-apiserver (https://127.0.0.1:$ZDR_API_PORT)"
start kube-apiserver "$bin_dir/kube-apiserver" \
  --bind-address 127.0.0.1 --secure-port "$ZDR_API_PORT" --advertise-address "$ZDR_BRIDGE_IP" \
  --etcd-servers "https://127.0.0.1:$ZDR_ETCD_PORT" --etcd-cafile "$pki/etcd/ca.crt" \
  --etcd-certfile "$pki/apiserver-etcd-client.crt" --etcd-keyfile "$pki/apiserver-etcd-client.key" \
  --service-cluster-ip-range "$ZDR_SERVICE_CIDR" --service-node-port-range 30000-32767 \
  --client-ca-file "$pki/ca.crt" --tls-cert-file "$pki/kube-apiserver.crt" --tls-private-key-file "$pki/kube-apiserver.key" \
  --kubelet-client-certificate "$pki/kube-apiserver-kubelet-client.crt" \
  --kubelet-client-key "$pki/kube-apiserver-kubelet-client.key" --kubelet-certificate-authority "$pki/ca.crt" \
  --kubelet-preferred-address-types InternalIP \
  --service-account-key-file "$pki/service-account.pub" --service-account-signing-key-file "$pki/service-account.key" \
  --service-account-issuer https://kubernetes.default.svc.cluster.local \
  --authorization-mode Node,RBAC --enable-admission-plugins NodeRestriction --allow-privileged=true \
  --profiling=false
wait_until 90 kube-apiserver "the API server is ready" kubectl_admin get --raw /readyz
step_done "server $(kubectl_admin version -o json | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1)"

step "kube-controller-manager and kube-scheduler"
start kube-controller-manager "$bin_dir/kube-controller-manager" \
  --kubeconfig "$state_dir/kubeconfig/kube-controller-manager.conf" \
  --authentication-kubeconfig "$state_dir/kubeconfig/kube-controller-manager.conf" \
  --authorization-kubeconfig "$state_dir/kubeconfig/kube-controller-manager.conf" \
  --bind-address 127.0.0.1 --leader-elect=false --use-service-account-credentials=true \
  --service-account-private-key-file "$pki/service-account.key" --root-ca-file "$pki/ca.crt" \
  --service-cluster-ip-range "$ZDR_SERVICE_CIDR" --profiling=false
start kube-scheduler "$bin_dir/kube-scheduler" \
  --kubeconfig "$state_dir/kubeconfig/kube-scheduler.conf" \
  --authentication-kubeconfig "$state_dir/kubeconfig/kube-scheduler.conf" \
  --authorization-kubeconfig "$state_dir/kubeconfig/kube-scheduler.conf" \
  --bind-address 127.0.0.1 --leader-elect=false --profiling=false
# The service account controller makes `default` in every namespace; no pod can be created before it.
wait_until 60 kube-controller-manager "the default service account exists" kubectl_admin get serviceaccount default
alive kube-scheduler
step_done

step "kubelet (node $ZDR_NODE_NAME, cgroup root /$ZDR_CGROUP_ROOT)"
# From here the KUBE-* chains (the kubelet's, then kube-proxy's) are ours: up refused to start next to any other.
own kube_chains yes
# The kubelet makes /var/log/containers (a fixed path, pkg/kubelet/kubelet.go) for its links to the pod logs,
# which live in the state (podLogsDir); down.sh removes our links, and the folder if it was not here before.
[ -e /var/log/containers ] || own made_dir /var/log/containers
start kubelet "$bin_dir/kubelet" --config "$state_dir/kubelet.yaml" \
  --kubeconfig "$state_dir/kubeconfig/kubelet.conf" --root-dir "$state_dir/kubelet" \
  --hostname-override "$ZDR_NODE_NAME" --node-ip "$ZDR_BRIDGE_IP"
wait_until 120 kubelet "the node is Ready" \
  sh -c "kubectl --kubeconfig '$kubeconfig' get node '$ZDR_NODE_NAME' -o jsonpath='{.status.conditions[?(@.type==\"Ready\")].status}' | grep -qx True"
step_done

step "kube-proxy (iptables mode, NodePorts on 127.0.0.1)"
start kube-proxy "$bin_dir/kube-proxy" --config "$state_dir/kube-proxy.yaml"
wait_until 60 kube-proxy "kube-proxy is healthy" curl -sf http://127.0.0.1:10256/healthz
step_done

step "cluster ready: Kubernetes $KUBERNETES_VERSION, node $ZDR_NODE_NAME, context $ZDR_CONTEXT"
echo "export KUBECONFIG=$kubeconfig"
echo "npm run demo:rollout -- --target kube --context $ZDR_CONTEXT --node-port on"
