#!/usr/bin/env bash
# Lists everything of the cluster that is still on this machine: processes, mounts, network interfaces,
# iptables chains and rules, cgroups, pod log links, files. Prints one line per leftover; exit 0 when there are
# none, 1 when there are. .ci/run runs it after cluster:down; test-cluster runs it while the cluster is up, where it
# must find every kind of leftover.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
found=0
leftover() {
  echo "leftover $1"
  found=1
}

for proc in /proc/[0-9]*; do
  exe=$(readlink "$proc/exe" 2>/dev/null) || continue
  cmdline=$(tr '\0' ' ' <"$proc/cmdline" 2>/dev/null) || continue
  case "$exe $cmdline" in
    "$cache_root/bin/"* | *"$state_dir"* | *"$run_dir"*) leftover "process ${proc#/proc/}: ${cmdline:0:160}" ;;
    *) grep -q ":/$ZDR_CGROUP_ROOT/" "$proc/cgroup" 2>/dev/null && leftover "pod process ${proc#/proc/}: ${cmdline:0:160}" ;;
  esac
done
awk -v s="$state_dir" -v r="$run_dir" '$5 == s || index($5, s "/") == 1 || $5 == r || index($5, r "/") == 1 { print $5 }' /proc/self/mountinfo |
  while read -r m; do echo "leftover mount $m"; done | grep . && found=1
ip link show "$ZDR_BRIDGE" >/dev/null 2>&1 && leftover "interface $ZDR_BRIDGE"
for tool in iptables ip6tables; do
  command -v "$tool" >/dev/null || continue
  for table in filter nat mangle raw; do
    "$tool" -t "$table" -S 2>/dev/null | grep -E -- '(^-N |-j )(KUBE-|ZDR-)' | while read -r rule; do
      echo "leftover $tool -t $table: $rule"
    done | grep . && found=1
  done
done
if command -v nft >/dev/null; then
  nft list tables 2>/dev/null | grep -w kube-proxy | sed 's/^/leftover nftables /' | grep . && found=1
fi
for cgroup in $(cgroup_mounts); do
  [ -d "$cgroup/$ZDR_CGROUP_ROOT" ] && leftover "cgroup $cgroup/$ZDR_CGROUP_ROOT"
done
for link in /var/log/containers/*.log; do
  [ -L "$link" ] && case "$(readlink "$link")" in "$state_dir/"*) leftover "pod log link $link" ;; esac
done
[ -e "$state_dir" ] && leftover "files $state_dir"
[ -e "$run_dir" ] && leftover "files $run_dir"
exit $found
