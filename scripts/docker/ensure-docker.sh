#!/usr/bin/env bash
# Makes sure a Docker daemon answers: installs Debian's docker.io when dockerd is missing, starts dockerd in the
# background when it is not running, and waits (bounded) until `docker info` answers. Idempotent: when the daemon
# already answers it does nothing. For machines without systemd (CI containers, sandboxes); where systemd runs,
# `systemctl start docker` is the usual way and this script only ever sees a daemon that already answers.
#
#   bash scripts/docker/ensure-docker.sh
#
# Environment: DOCKERD_LOG (default /var/log/dockerd.log), DOCKERD_WAIT_S (default 60), DOCKERD_FLAGS (extra
# dockerd flags, split on spaces).
#
# dockerd's defaults are enough on this kind of machine (checked on Debian bookworm, kernel 6.x, ext4): overlay2
# works on the backing ext4 and iptables is available, so published ports and outbound traffic from build
# containers (npm ci) both work. Where the kernel refuses one of those, pass the fallback explicitly, e.g.
# DOCKERD_FLAGS="--storage-driver=vfs" (slow, but needs no overlay support) -- do not reach for
# --iptables=false: without NAT, build containers lose the network and `npm ci` in the Dockerfile fails.
set -euo pipefail

LOG="${DOCKERD_LOG:-/var/log/dockerd.log}"
WAIT_S="${DOCKERD_WAIT_S:-60}"
read -r -a EXTRA_FLAGS <<<"${DOCKERD_FLAGS:-}"

step() { printf '[ensure-docker] %s\n' "$*"; }
die() {
  printf '[ensure-docker] FAILED: %s\n' "$*" >&2
  exit 1
}

if docker info >/dev/null 2>&1; then
  step "the Docker daemon answers ($(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')), nothing to do"
  exit 0
fi

[ "$(id -u)" = 0 ] || die "the Docker daemon does not answer and starting it needs root; run this with sudo or start Docker yourself"

if ! command -v dockerd >/dev/null 2>&1; then
  command -v apt-get >/dev/null 2>&1 || die "dockerd is missing and this is not a Debian/Ubuntu host; install Docker Engine yourself"
  step "dockerd is missing: apt-get install docker.io"
  apt-get update -q >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q docker.io >/dev/null || die "apt-get install docker.io failed"
fi
command -v docker >/dev/null 2>&1 || die "dockerd is installed but the docker client is not on PATH"

if pgrep -x dockerd >/dev/null 2>&1; then
  # A dockerd that is still starting (or wedged): wait for it rather than start a second one on the same socket.
  step "dockerd is running but does not answer yet; waiting for it"
else
  step "starting dockerd in the background (log: ${LOG})"
  mkdir -p "$(dirname "$LOG")"
  # setsid + nohup: the daemon must outlive this script and the CI step that ran it.
  setsid nohup dockerd "${EXTRA_FLAGS[@]}" >>"$LOG" 2>&1 </dev/null &
fi

deadline=$(($(date +%s) + WAIT_S))
until docker info >/dev/null 2>&1; do
  if [ "$(date +%s)" -ge "$deadline" ]; then
    tail -n 15 "$LOG" >&2 2>/dev/null || true
    die "dockerd did not answer within ${WAIT_S} s, see ${LOG}"
  fi
  if ! pgrep -x dockerd >/dev/null 2>&1; then
    tail -n 15 "$LOG" >&2 2>/dev/null || true
    die "dockerd exited during start-up, see ${LOG}"
  fi
  sleep 1
done
step "the Docker daemon answers ($(docker version --format '{{.Server.Version}}'), storage driver $(docker info --format '{{.Driver}}'))"
