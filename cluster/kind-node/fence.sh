#!/usr/bin/env bash
# Fences kind's Docker network in: nothing from it (the nodes, and the pods masqueraded behind them) leaves
# through this machine's external interface, while 127.0.0.1's published ports keep working.
#
#   bash cluster/kind-node/fence.sh on    creates kind's network if it is missing (before any node starts), and
#                                         adds a DROP rule in DOCKER-USER from its bridge to the default route's
#                                         interface
#   bash cluster/kind-node/fence.sh off   removes every rule of ours, and the network if no container uses it
#
# DOCKER-USER is the chain Docker leaves to its users and evaluates first in FORWARD
# (https://docs.docker.com/engine/network/packet-filtering-firewalls/).
set -euo pipefail
network=${KIND_EXPERIMENTAL_DOCKER_NETWORK:-kind}
comment=zero-downtime-rollout-kind-fence
say() { echo "[kind-fence] $*"; }

our_rules() { iptables -S DOCKER-USER 2>/dev/null | grep -F -- "--comment $comment" || true; }

case "${1:-}" in
  on)
    docker network inspect "$network" >/dev/null 2>&1 || docker network create -d bridge "$network" >/dev/null
    bridge="br-$(docker network inspect -f '{{ .Id }}' "$network" | cut -c1-12)"
    external=$(ip -4 route show default | awk '{ print $5; exit }')
    [ -n "$external" ] || {
      say "no default route: nothing to fence"
      exit 0
    }
    iptables -N DOCKER-USER 2>/dev/null || true
    if ! iptables -C DOCKER-USER -i "$bridge" -o "$external" -m comment --comment "$comment" -j DROP 2>/dev/null; then
      iptables -I DOCKER-USER -i "$bridge" -o "$external" -m comment --comment "$comment" -j DROP
    fi
    say "network $network ($bridge): nothing leaves through $external"
    ;;
  off)
    while read -r rule; do
      [ -n "$rule" ] || continue
      # -S prints "-A CHAIN spec...": the same spec with -D deletes it.
      read -ra spec <<<"${rule#-A DOCKER-USER }"
      iptables -D DOCKER-USER "${spec[@]//\"/}"
    done <<<"$(our_rules)"
    if docker network inspect "$network" >/dev/null 2>&1 &&
      [ "$(docker network inspect -f '{{ len .Containers }}' "$network")" = 0 ]; then
      docker network rm "$network" >/dev/null
      say "removed network $network"
    fi
    say "no rule of ours is left"
    ;;
  *)
    echo "usage: fence.sh on|off" >&2
    exit 2
    ;;
esac
