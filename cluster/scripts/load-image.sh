#!/usr/bin/env bash
# npm run cluster:load-image -- IMAGE...: copies images from the local Docker into the running cluster's
# containerd (namespace k8s.io, the kubelet's), as up.sh does for hello:v1 and hello:v2, so that pods with
# imagePullPolicy IfNotPresent or Never run them with no registry. The kubelet's image GC is off (kubelet.yaml),
# so an image loaded once stays until cluster:down.
#
# Exit 0: every image is in the cluster. Exit 2, with one line: no IMAGE, the cluster not up, the Docker daemon
# not answering, or an image that is not in the local Docker.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

usage="usage: npm run cluster:load-image -- IMAGE... (images in the local Docker, such as zdr-apps/echo:v1)"
[ $# -gt 0 ] || die "no IMAGE given ($usage)"
for image in "$@"; do
  case "$image" in
    -h | --help)
      echo "$usage"
      exit 0
      ;;
    -*) die "unknown flag $image ($usage)" ;;
  esac
done

# The cluster first: without one there is nowhere to load to, whatever Docker holds.
if ! marker_ok "$state_dir" || ! pid_of containerd >/dev/null ||
  ! ctr --address "$containerd_socket" version >/dev/null 2>&1; then
  die "the cluster is not up (no containerd of ours answers on $containerd_socket): npm run cluster:up first"
fi
command -v docker >/dev/null || die "docker is missing: the images are read from the local Docker"
docker info >/dev/null 2>&1 || die "the Docker daemon does not answer: run scripts/docker/ensure-docker.sh"
for image in "$@"; do
  docker image inspect "$image" >/dev/null 2>&1 || die "$image is not in the local Docker (docker images lists what is): build it first"
done

step "images: $* into the cluster's containerd"
# docker save + import, as up.sh: the path that works on Docker's classic and containerd image stores. The stream
# can end early ("unexpected EOF") when another build retags one of the images meanwhile: try again.
for attempt in 1 2 3; do
  if docker save "$@" | ctr --address "$containerd_socket" --namespace k8s.io images import - >/dev/null; then
    break
  fi
  [ "$attempt" -lt 3 ] || die "importing $* into the cluster's containerd failed 3 times"
  echo "    the import was cut short: trying again"
done
# What the kubelet will look for: Docker's short names stand for docker.io/..., and a name without a tag for :latest.
listed=$(ctr --address "$containerd_socket" --namespace k8s.io images list --quiet)
for image in "$@"; do
  case "$image" in *@*) continue ;; esac # by digest: listed under its repository's name, not this one
  ref=$image first=${image%%/*}
  case "${ref##*/}" in *:*) ;; *) ref="$ref:latest" ;; esac
  if [ "$first" = "$image" ]; then
    ref="docker.io/library/$ref"
  elif [[ "$first" != *.* && "$first" != *:* && "$first" != localhost ]]; then
    ref="docker.io/$ref"
  fi
  grep -qxF "$ref" <<<"$listed" || die "$image was imported but the cluster's containerd does not list $ref"
done
step_done "$# image(s), for pods in any namespace of context $ZDR_CONTEXT"
