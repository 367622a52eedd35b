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
refs=()
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
  refs+=("$ref")
done
step_done "$# image(s), for pods in any namespace of context $ZDR_CONTEXT"

# The kubelet reports a node's images in its status from a list it refreshes every 30 s, so an image just
# imported is missing there for up to 40 s; `npm run prove` reads that list to stop before a pod would wait
# for a pull. Wait until the node shows them all.
# https://github.com/kubernetes/kubernetes/blob/v1.36.5/pkg/kubelet/images/image_gc_manager.go
step "the node's status lists them (the kubelet refreshes its image list every 30 s)"
node_lists_all() {
  local names ref
  names=$(kubectl_admin get node "$ZDR_NODE_NAME" \
    -o jsonpath='{range .status.images[*]}{range .names[*]}{@}{"\n"}{end}{end}' 2>/dev/null) || return 1
  for ref in "${refs[@]}"; do grep -qxF "$ref" <<<"$names" || return 1; done
}
deadline=$(($(date +%s) + 90))
until node_lists_all; do
  [ "$(date +%s)" -lt "$deadline" ] || die "the node's status did not list ${refs[*]} within 90 s (kubectl get node $ZDR_NODE_NAME -o yaml shows what it lists)"
  sleep 2
done
step_done
