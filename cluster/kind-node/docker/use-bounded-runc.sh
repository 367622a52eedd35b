#!/usr/bin/env bash
# Makes runc-bounded (beside this file) the Docker daemon's default runtime when this machine's root lacks a
# capability (here CAP_SYS_RESOURCE), so that kind's `docker run --privileged` nodes and `docker exec` into them
# start; where root holds every capability it does nothing. Idempotent; the daemon reloads its runtimes on SIGHUP
# (no restart, running containers untouched). A container that asks only for held capabilities runs as before.
#
#   bash cluster/kind-node/docker/use-bounded-runc.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
wrapper=/usr/local/sbin/zdr-runc-bounded
config=/etc/docker/daemon.json
say() { echo "[bounded-runc] $*"; }

bounding=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
last=$(cat /proc/sys/kernel/cap_last_cap)
if (((0x$bounding & ((1 << (last + 1)) - 1)) == ((1 << (last + 1)) - 1))); then
  say "root holds every capability: Docker's own runc is enough"
  exit 0
fi
command -v jq >/dev/null || {
  apt-get update -q >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q jq >/dev/null
}
install -m 0755 "$here/runc-bounded" "$wrapper"
current='{}'
[ ! -s "$config" ] || current=$(cat "$config")
wanted=$(jq --arg path "$wrapper" '.runtimes["zdr-runc-bounded"] = { path: $path } | .["default-runtime"] = "zdr-runc-bounded"' <<<"$current")
if [ "$(jq -S . <<<"$current")" != "$(jq -S . <<<"$wanted")" ]; then
  mkdir -p "$(dirname "$config")"
  echo "$wanted" >"$config"
  pid=$(cat /var/run/docker.pid 2>/dev/null || true)
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -HUP "$pid"
    for _ in $(seq 1 20); do
      docker info --format '{{ .DefaultRuntime }}' 2>/dev/null | grep -qx zdr-runc-bounded && break
      sleep 0.5
    done
  fi
fi
say "Docker's default runtime: $(docker info --format '{{ .DefaultRuntime }}' 2>/dev/null || echo 'the daemon does not answer; it reads it on start')"
