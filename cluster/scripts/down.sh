#!/usr/bin/env bash
# npm run cluster:down: removes every process, mount, network interface, iptables rule, cgroup and file that
# up.sh made, and puts back the host settings it changed. Idempotent: with nothing to remove it says so.
#   --quiet   no step lines (up.sh cleaning up after a crash)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ "${1:-}" = --quiet ] && step() { :; } && step_done() { :; }
[ "$(id -u)" = 0 ] || die "cluster:down needs root; run it with sudo"

if [ ! -d "$state_dir" ] && ! ip link show "$ZDR_BRIDGE" >/dev/null 2>&1 && ! iptables -t mangle -S "$ZDR_ISOLATE_CHAIN" >/dev/null 2>&1; then
  [ "${1:-}" = --quiet ] || echo "cluster: nothing to take down (no state in $state_dir)"
  exit 0
fi

# stop NAME: SIGTERM, up to 10 s to exit, then SIGKILL.
stop() {
  local pid
  pid=$(pid_of "$1") || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

step "stopping the kubelet and kube-proxy, then every pod's containers"
stop kube-proxy
stop kubelet
if pid_of containerd >/dev/null; then
  ctr_k8s=(ctr --address "$containerd_socket" --namespace k8s.io)
  for task in $("${ctr_k8s[@]}" tasks list -q 2>/dev/null); do
    "${ctr_k8s[@]}" tasks kill --signal SIGKILL "$task" >/dev/null 2>&1 || true
  done
  sleep 1
  for task in $("${ctr_k8s[@]}" tasks list -q 2>/dev/null); do
    "${ctr_k8s[@]}" tasks delete --force "$task" >/dev/null 2>&1 || true
  done
  for container in $("${ctr_k8s[@]}" containers list -q 2>/dev/null); do
    "${ctr_k8s[@]}" containers delete "$container" >/dev/null 2>&1 || true
  done
fi
step_done

step "stopping the control plane, etcd and containerd"
for component in $(echo "$components" | tr ' ' '\n' | tac); do stop "$component"; done
# Shims of our containerd outlive it; they are ours when they name our socket.
pkill -KILL -f -- "containerd-shim.*-address $containerd_socket" 2>/dev/null || true
# Any process still in the pods' cgroups (a container whose shim was killed first).
for procs in /sys/fs/cgroup/*/kubepods/cgroup.procs /sys/fs/cgroup/*/kubepods/**/cgroup.procs; do
  [ -f "$procs" ] && xargs -r kill -KILL <"$procs" 2>/dev/null || true
done
step_done

step "mounts, network namespaces and cgroups"
# Deepest first: pod volumes, container rootfs, shm and netns mounts all live under the state folders.
for _ in 1 2 3; do
  mounts=$(awk -v s="$state_dir" -v r="$run_dir" '$5 == s || index($5, s "/") == 1 || $5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  [ -z "$mounts" ] && break
  for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
done
find /sys/fs/cgroup/*/kubepods -depth -type d -exec rmdir {} \; 2>/dev/null || true
step_done

step "network: veths, the bridge $ZDR_BRIDGE, iptables rules"
if ip link show "$ZDR_BRIDGE" >/dev/null 2>&1; then
  for veth in $(ip -o link show master "$ZDR_BRIDGE" | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
    ip link delete "$veth" 2>/dev/null || true
  done
  ip link delete "$ZDR_BRIDGE"
fi
# kube-proxy's and the kubelet's chains (KUBE-*), the portmap plugin's (CNI-*), and ours (ZDR-*): first every rule that
# jumps to one of them, then the chains themselves.
for tool in iptables ip6tables; do
  command -v "$tool" >/dev/null || continue
  for table in filter nat mangle raw; do
    rules=$("$tool" -t "$table" -S 2>/dev/null) || continue
    # Rules of the host's own chains (INPUT, FORWARD, DOCKER-USER, ...) that jump into ours.
    echo "$rules" | awk '$1 == "-A" && $2 !~ /^(KUBE-|CNI-|ZDR-)/ && / -j (KUBE-|CNI-|ZDR-)/' |
      sed 's/^-A /-D /' | while read -r rule; do eval "$tool -t $table $rule" 2>/dev/null || true; done
    chains=$(echo "$rules" | awk '$1 == "-N" && $2 ~ /^(KUBE-|CNI-|ZDR-)/ { print $2 }')
    for chain in $chains; do "$tool" -t "$table" -F "$chain" 2>/dev/null || true; done
    for chain in $chains; do "$tool" -t "$table" -X "$chain" 2>/dev/null || true; done
  done
done
# kube-proxy also keeps an nftables table of its own (and may leave one from its start-up cleanup).
if command -v nft >/dev/null; then
  for table in $(nft list tables 2>/dev/null | awk '$3 ~ /^kube-proxy$/ { print $2 " " $3 }' | tr ' ' ':'); do
    nft delete table "${table%%:*}" "${table##*:}" 2>/dev/null || true
  done
fi
step_done

step "host settings back as they were, state removed"
if [ -f "$state_dir/sysctls" ]; then
  while read -r key value; do sysctl -qw "$key=$value" 2>/dev/null || true; done <"$state_dir/sysctls"
fi
if [ "$(cat "$state_dir/root-propagation" 2>/dev/null)" = private ]; then mount --make-rprivate /; fi
rm -rf "$state_dir" "$run_dir"
rmdir --ignore-fail-on-non-empty "$(dirname "$state_dir")" 2>/dev/null || true
step_done
step "cluster down"
