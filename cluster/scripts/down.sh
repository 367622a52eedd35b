#!/usr/bin/env bash
# npm run cluster:down: removes every process, mount, network interface, iptables rule, cgroup and file that up.sh
# made, and puts back the host settings it changed. It acts only on what up.sh recorded in the state folder's
# marker, and refuses a folder without one. Idempotent: with nothing to remove it says so.
#   --quiet   no step lines (up.sh cleaning up)
set -euo pipefail
source "$(dirname "$0")/lib.sh"
quiet=
if [ "${1:-}" = --quiet ]; then
  quiet=1
  step() { :; }
  step_done() { :; }
fi
[ "$(id -u)" = 0 ] || die "cluster:down needs root; run it with sudo"
take_lock

say() { [ -n "$quiet" ] || echo "    $*"; }
warn() { echo "cluster: $*" >&2; }
if [ ! -e "$state_dir" ] && [ ! -e "$run_dir" ]; then
  [ -n "$quiet" ] || echo "cluster: nothing to take down (no $state_dir, no $run_dir)"
  exit 0
fi
# Only a folder up.sh made and marked: ZDR_CLUSTER_STATE=/srv/data must never mean rm -rf /srv/data.
if [ -e "$state_dir" ]; then
  marker_ok "$state_dir" ||
    die "ZDR_CLUSTER_STATE=$state_dir was not made by cluster:up (no $marker_name naming it, or reached through a symlink): down removes only what up made; nothing was touched"
  run=$(owned run | head -1)
  check_folder "run= in $state_dir/$marker_name" "$run"
else
  run=$run_dir # the state is gone (removed by hand): what the run folder holds can still be stopped
fi
run_ours=false
if [ -e "$run" ]; then
  if marker_ok "$run"; then run_ours=true; else warn "$run is not marked as this cluster's: its PID files are not trusted, and it stays"; fi
fi

# stop NAME: SIGTERM, up to 10 s to exit, then SIGKILL; only to the very process its PID file names.
stop() {
  local file="$run/$1.pid" pid
  $run_ours && [ -f "$file" ] || return 0
  if ! pid=$(pid_file_matches "$file"); then
    read -r pid _ <"$file" || true
    if [[ "$pid" =~ ^[1-9][0-9]*$ ]] && [ -d "/proc/$pid" ]; then
      say "$1: PID $pid now belongs to another process (not the one its PID file records): not signalled"
    fi
    rm -f "$file"
    return 0
  fi
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 100); do pid_file_matches "$file" >/dev/null || break; sleep 0.1; done
  if pid_file_matches "$file" >/dev/null; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$file"
}
# ours_in_cgroups: every process in our cgroup root, in any hierarchy and at any depth.
ours_in_cgroups() {
  local name hierarchy
  for name in $(owned cgroup); do
    [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || continue
    for hierarchy in $(cgroup_mounts); do
      [ -d "$hierarchy/$name" ] && find "$hierarchy/$name" -name cgroup.procs -exec cat {} + 2>/dev/null
    done
  done | sort -u
}

step "stopping the kubelet and kube-proxy, then every pod's containers"
stop kube-proxy
stop kubelet
if $run_ours && pid_file_matches "$run/containerd.pid" >/dev/null; then
  ctr_k8s=(ctr --address "$run/containerd.sock" --namespace k8s.io)
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
# Shims of our containerd outlive it; they are ours when they run a containerd shim and name our socket.
for proc in /proc/[0-9]*; do
  case "$(readlink "$proc/exe" 2>/dev/null)" in */containerd-shim*) ;; *) continue ;; esac
  if tr '\0' '\n' <"$proc/cmdline" 2>/dev/null | grep -qxF -- "$run/containerd.sock"; then
    kill -KILL "${proc#/proc/}" 2>/dev/null || true
  fi
done
# Any process still in our pods' cgroups (a container whose shim was killed first).
ours_in_cgroups | xargs -r kill -KILL 2>/dev/null || true
step_done

# Before the chains go: with route_localnet still 1 and kube-proxy's KUBE-FIREWALL gone, the LAN could reach
# services bound to 127.0.0.1 (CVE-2020-8558). Nothing that sets these runs any more.
step "host settings back as they were"
if [ -f "$state_dir/sysctls" ]; then
  while read -r key value; do
    [[ "$key" =~ ^[a-z0-9_.-]+$ ]] || continue
    [ "$(sysctl -n "$key" 2>/dev/null)" = "$value" ] || sysctl -qw "$key=$value" 2>/dev/null || warn "could not set $key back to $value"
  done <"$state_dir/sysctls"
fi
step_done

step "mounts, cgroups, pod log links"
# Deepest first: pod volumes, container rootfs, shm and netns mounts all live under the two folders.
for _ in 1 2 3; do
  mounts=$(awk -v s="$state_dir" -v r="$run" '$5 == s || index($5, s "/") == 1 || $5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r)
  [ -z "$mounts" ] && break
  for m in $mounts; do umount "$m" 2>/dev/null || umount -l "$m" 2>/dev/null || true; done
done
for name in $(owned cgroup); do
  [[ "$name" =~ ^[A-Za-z0-9_-]+$ ]] || continue
  for _ in 1 2 3 4 5; do
    left=0
    for hierarchy in $(cgroup_mounts); do
      [ -d "$hierarchy/$name" ] || continue
      find "$hierarchy/$name" -depth -type d -exec rmdir {} \; 2>/dev/null || true
      [ ! -d "$hierarchy/$name" ] || left=1
    done
    [ "$left" = 0 ] && break
    ours_in_cgroups | xargs -r kill -KILL 2>/dev/null || true
    sleep 0.5
  done
done
# The kubelet's links to our pod logs (those in the state folder); nobody else's.
for link in /var/log/containers/*.log; do
  [ -L "$link" ] || continue
  case "$(readlink "$link")" in "$state_dir/"*) rm -f "$link" ;; esac
done
step_done

step "network: the bridge, its veths, our iptables chains"
for bridge in $(owned bridge); do
  [[ "$bridge" =~ ^[A-Za-z0-9_-]{1,15}$ ]] && ip link show "$bridge" >/dev/null 2>&1 || continue
  if [ "$(cat "/sys/class/net/$bridge/ifalias" 2>/dev/null)" != "$bridge_alias" ]; then
    warn "left interface $bridge alone: its alias is not $bridge_alias, so cluster:up did not make it"
    continue
  fi
  for veth in $(ip -o link show master "$bridge" | awk -F': ' '{ sub(/@.*/, "", $2); print $2 }'); do
    ip link delete "$veth" 2>/dev/null || true
  done
  ip link delete "$bridge"
done
# remove_chains TOOL TABLE CHAIN...: every rule elsewhere in TABLE that jumps to one of the CHAINs, then the CHAINs
# themselves, in one iptables-restore transaction (one process, not one per rule: kube-proxy leaves dozens of
# chains); rule by rule should that fail.
remove_chains() {
  local tool=$1 table=$2
  shift 2
  [ $# -gt 0 ] || return 0
  local chains=" $* " rules script chain
  rules=$("$tool" -t "$table" -S 2>/dev/null | awk -v c="$chains" '$1 == "-A" && index(c, " " $2 " ") == 0 {
    for (i = 3; i < NF; i++) if ($i == "-j" && index(c, " " $(i + 1) " ")) { sub(/^-A /, "-D "); print; break } }')
  script=$(
    echo "*$table"
    [ -z "$rules" ] || echo "$rules"
    for chain in "$@"; do echo "-F $chain"; done
    for chain in "$@"; do echo "-X $chain"; done
    echo COMMIT
  )
  echo "$script" | "$tool-restore" --noflush 2>/dev/null && return 0
  [ -z "$rules" ] || echo "$rules" | while read -r rule; do eval "$tool -t $table $rule" 2>/dev/null || true; done
  for chain in "$@"; do "$tool" -t "$table" -F "$chain" 2>/dev/null || true; done
  for chain in "$@"; do "$tool" -t "$table" -X "$chain" 2>/dev/null || true; done
}
# Ours, as recorded: tool:table:chain, ZDR-* only.
for tool in iptables ip6tables; do
  command -v "$tool" >/dev/null || continue
  for table in filter nat mangle raw; do
    chains=$(owned chain | awk -F: -v t="$tool" -v b="$table" '$1 == t && $2 == b && $3 ~ /^ZDR-[A-Z0-9-]+$/ { print $3 }')
    # shellcheck disable=SC2086 # one word per chain
    remove_chains "$tool" "$table" $chains
  done
done
# The kubelet's and kube-proxy's KUBE-* chains, and kube-proxy's nftables table: ours, since up.sh refused to start
# next to any other Kubernetes, unless another one has started since.
if [ "$(owned kube_chains | head -1)" = yes ]; then
  foreign=$(foreign_kubernetes | grep '^process ' || true)
  if [ -n "$foreign" ]; then
    warn "left the KUBE-* iptables chains alone: another Kubernetes runs here now ($(echo "$foreign" | head -1))"
  else
    for tool in iptables ip6tables; do
      command -v "$tool" >/dev/null || continue
      for table in filter nat mangle raw; do
        chains=$("$tool" -t "$table" -S 2>/dev/null | awk '$1 == "-N" && $2 ~ /^KUBE-/ { print $2 }') || continue
        # shellcheck disable=SC2086 # one word per chain
        remove_chains "$tool" "$table" $chains
      done
    done
    if command -v nft >/dev/null; then
      nft list tables 2>/dev/null | awk '$3 == "kube-proxy" { print $2 }' | while read -r family; do
        nft delete table "$family" kube-proxy 2>/dev/null || true
      done
    fi
  fi
fi
step_done

step "state removed"
if [ "$(cat "$state_dir/root-propagation" 2>/dev/null)" = private ]; then mount --make-rprivate /; fi
# rm -rf never descends into a file system still mounted there (a pod's volume could be the host's own folder).
still_mounted=$(awk -v s="$state_dir" -v r="$run" 'index($5, s "/") == 1 || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo)
[ -z "$still_mounted" ] || die "still mounted, so nothing under it was removed: $(echo "$still_mounted" | head -3 | paste -sd ' '); run cluster:down again"
made_dirs=$(owned made_dir | tac)
if $run_ours; then
  find "$run" -mindepth 1 -maxdepth 1 ! -name "$marker_name" -exec rm -rf --one-file-system {} +
  rm -f "$run/$marker_name"
  rmdir "$run"
fi
if [ -e "$state_dir" ]; then
  # The marker last: a down cut short here still finds it next time.
  find "$state_dir" -mindepth 1 -maxdepth 1 ! -name "$marker_name" -exec rm -rf --one-file-system {} +
  rm -f "$state_dir/$marker_name"
  rmdir "$state_dir"
fi
# Folders up.sh made on the way (and /var/log/containers, if the kubelet made it), when empty; rmdir only.
for folder in $made_dirs; do
  case "$folder" in /?*) rmdir "$folder" 2>/dev/null || true ;; esac
done
step_done
step "cluster down"
