#!/usr/bin/env bash
# Builds the service image twice from the Dockerfile at the repo root: hello:v1 (APP_VERSION=1) and hello:v2
# (APP_VERSION=2). The second build reuses the first one's cached stages; only the last layers differ.
#
#   bash scripts/docker/build-images.sh
#
# Environment: NODE_IMAGE (base image, default node:24-bookworm-slim; build it offline with
# scripts/docker/build-offline-base.sh), IMAGE_NAME (default hello).
set -euo pipefail

NODE_IMAGE="${NODE_IMAGE:-node:24-bookworm-slim}"
IMAGE_NAME="${IMAGE_NAME:-hello}"
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOG_DIR="${REPO_ROOT}/.cache"
mkdir -p "$LOG_DIR"

step() { printf '[build-images] %s\n' "$*"; }
die() {
  printf '[build-images] FAILED: %s\n' "$*" >&2
  exit 1
}

docker info >/dev/null 2>&1 || die "the Docker daemon does not answer; run scripts/docker/ensure-docker.sh first"
if ! docker image inspect "$NODE_IMAGE" >/dev/null 2>&1; then
  step "base image ${NODE_IMAGE} is not present locally; docker build will try to pull it" \
    "(without a registry: npm run image:base)"
fi

for version in 1 2; do
  tag="${IMAGE_NAME}:v${version}"
  step "building ${tag} (APP_VERSION=${version}, base ${NODE_IMAGE})"
  started=$(date +%s)
  log="${LOG_DIR}/build-${IMAGE_NAME}-v${version}.log"
  if ! docker build \
    --build-arg "NODE_IMAGE=${NODE_IMAGE}" \
    --build-arg "APP_VERSION=${version}" \
    --tag "$tag" \
    "$REPO_ROOT" >"$log" 2>&1; then
    tail -n 20 "$log" >&2
    die "docker build of ${tag} failed, full output in ${log}"
  fi
  step "built ${tag} in $(($(date +%s) - started)) s, $(docker image inspect --format '{{.Size}}' "$tag" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
done
