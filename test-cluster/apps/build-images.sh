#!/usr/bin/env bash
# Builds the images of the fixture apps, two services not written for this harness, offline from their upstream
# packages:
#   zdr-apps/echo:v1, :v2      HashiCorp's http-echo, from its Go module (echo/module/go.mod), FROM scratch
#   zdr-apps/httpbin:v1, :v2   httpbin served by gunicorn, from PyPI (httpbin/requirements.txt), on a Debian
#                              bookworm rootfs made by debootstrap with Debian's python3
#
#   bash test-cluster/apps/build-images.sh [--force]
#
# Each image carries a label with a content key of its inputs; an image whose label matches is left as it is, so a
# second run builds nothing (--force rebuilds). The debootstrap rootfs is cached as a tarball outside the clone,
# under ZDR_CACHE_DIR (default ~/.cache/zero-downtime-rollout), so a fresh clone downloads nothing again. Needs
# root (debootstrap, chroot), Docker, Go and pip.
set -euo pipefail

apps_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${ZDR_CACHE_DIR:-$HOME/.cache/zero-downtime-rollout}/apps"
prefix="${ZDR_APPS_IMAGE_PREFIX:-zdr-apps}"
key_label=zero-downtime-rollout.apps.key
suite=bookworm
# Bookworm's python3 is CPython 3.11: pip installs wheels for it from the host, whatever the host's Python is.
python_version=3.11
force=false

started_at=$(date +%s)
step() { printf '[apps-images +%ss] %s\n' "$(($(date +%s) - started_at))" "$*"; }
die() {
  printf '[apps-images] FAILED: %s\n' "$*" >&2
  exit 1
}

for arg in "$@"; do
  case "$arg" in
    --force) force=true ;;
    -h | --help)
      sed -n '2,8p' "$0"
      exit 0
      ;;
    *) die "unknown argument '$arg' (accepted: --force)" ;;
  esac
done

docker info >/dev/null 2>&1 || die "the Docker daemon does not answer; run scripts/docker/ensure-docker.sh first"
mkdir -p "$cache"
work=$(mktemp -d "${TMPDIR:-/tmp}/apps-images.XXXXXX")
trap 'rm -rf "$work"' EXIT

# key FILE...: a short content key of this script and the inputs named.
key() { cat "${BASH_SOURCE[0]}" "$@" | sha256sum | cut -c1-16; }
# fresh IMAGE KEY: the image exists and was built from these inputs.
fresh() {
  ! $force && [ "$(docker image inspect --format "{{ index .Config.Labels \"$key_label\" }}" "$1" 2>/dev/null)" = "$2" ]
}
timed() { # timed LOG COMMAND...: runs COMMAND with its output in LOG; on failure, its tail and one line
  local log=$1
  shift
  "$@" >"$log" 2>&1 && return 0
  tail -n 15 "$log" >&2
  return 1
}

# --- echo: http-echo from its Go module -----------------------------------------------------------------------
build_echo() {
  local module="$apps_dir/echo/module" echo_key version tag context
  command -v go >/dev/null || die "go is missing (echo builds from its Go module)"
  echo_key=$(key "$module/go.mod" "$module/go.sum")-$(go env GOVERSION)
  for version in 1 2; do
    tag="$prefix/echo:v$version"
    if fresh "$tag" "$echo_key"; then
      step "$tag is up to date (key $echo_key)"
      continue
    fi
    step "building $tag: go build github.com/hashicorp/http-echo (version $version), FROM scratch"
    context="$work/echo-v$version"
    mkdir -p "$context"
    # The version http-echo reports in X-App-Version is a linker variable, as its own release sets it; the body
    # (ECHO_TEXT) names it too. Static (CGO off): scratch has no libc.
    (cd "$module" && export GOTOOLCHAIN=local CGO_ENABLED=0 GOFLAGS=-mod=readonly && timed "$work/go-build.log" \
      go build -trimpath -ldflags "-s -w -X github.com/hashicorp/http-echo/version.Version=$version" \
      -o "$context/http-echo" github.com/hashicorp/http-echo) || die "go build of http-echo failed (log above)"
    cat >"$context/Dockerfile" <<EOF
FROM scratch
COPY http-echo /http-echo
ENV ECHO_TEXT="echo version $version"
USER 65532:65532
EXPOSE 5678
LABEL $key_label="$echo_key" org.opencontainers.image.description="hashicorp/http-echo built from its Go module, a fixture of test-cluster/apps"
ENTRYPOINT ["/http-echo"]
EOF
    timed "$work/echo-docker.log" docker build -t "$tag" "$context" || die "docker build of $tag failed (log above)"
    step "built $tag"
  done
}

# --- httpbin: httpbin and gunicorn from PyPI on a Debian bookworm rootfs -----------------------------------------
# The mirror apt uses on this host (its deb822 sources first, then one-line ones), so debootstrap reaches Debian
# the way apt does here.
debian_mirror() {
  local url
  url=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) { print $i; exit } }')
  [ -n "$url" ] || url=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
    awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^https?:\/\/.*\/debian\/?$/) { print $i; exit } }')
  printf '%s\n' "${url:-http://deb.debian.org/debian}"
}

python_rootfs() { # the cached tarball of a bookworm minbase with python3, made once
  local tarball="$cache/$suite-python3.tar" stage
  if [ -s "$tarball" ]; then
    step "rootfs: reusing ${tarball}" >&2
  else
    [ "$(id -u)" = 0 ] || die "needs root (debootstrap and chroot); run it with sudo"
    command -v debootstrap >/dev/null || die "debootstrap is missing: apt-get install debootstrap"
    stage=$(mktemp -d "$cache/debootstrap.XXXXXX")
    step "rootfs: debootstrap --variant=minbase --include=python3 $suite from $(debian_mirror) (a minute or two)" >&2
    debootstrap --variant=minbase --include=python3 "$suite" "$stage/rootfs" "$(debian_mirror)" >"$cache/debootstrap.log" 2>&1 ||
      { rm -rf "$stage"; die "debootstrap failed, see $cache/debootstrap.log"; }
    rm -rf "$stage"/rootfs/var/cache/apt/archives/*.deb "$stage"/rootfs/var/lib/apt/lists/*
    tar -C "$stage/rootfs" --numeric-owner -cf "$tarball.tmp" . || { rm -rf "$stage"; die "could not archive the rootfs"; }
    mv "$tarball.tmp" "$tarball"
    rm -rf "$stage"
    step "rootfs: cached as $tarball" >&2
  fi
  printf '%s\n' "$tarball"
}

build_httpbin() {
  local requirements="$apps_dir/httpbin/requirements.txt" httpbin_key tarball rootfs v2
  httpbin_key=$(key "$requirements")-$suite
  if fresh "$prefix/httpbin:v1" "$httpbin_key" && fresh "$prefix/httpbin:v2" "$httpbin_key"; then
    step "$prefix/httpbin:v1 and :v2 are up to date (key $httpbin_key)"
    return 0
  fi
  command -v pip3 >/dev/null || die "pip3 is missing (httpbin installs from PyPI)"
  tarball=$(python_rootfs)
  rootfs="$work/httpbin-rootfs"
  mkdir -p "$rootfs"
  tar -C "$rootfs" --numeric-owner -xf "$tarball"
  step "pip install -r httpbin/requirements.txt (wheels for CPython $python_version) into /opt/httpbin"
  # Binary wheels only, for the image's Python rather than the host's: nothing is compiled here.
  timed "$work/pip.log" pip3 install --disable-pip-version-check --no-warn-script-location --quiet \
    --target "$rootfs/opt/httpbin" --platform manylinux2014_x86_64 --python-version "$python_version" \
    --implementation cp --only-binary=:all: -r "$requirements" || die "pip install of httpbin failed (log above)"
  # Compiled once here: the root filesystem is read-only in the pod, where Python could not write its caches.
  chroot "$rootfs" python3 -m compileall -q /opt/httpbin >/dev/null || die "python3 -m compileall failed in the rootfs"
  chroot "$rootfs" env PYTHONPATH=/opt/httpbin python3 -c 'import gunicorn, httpbin' ||
    die "httpbin or gunicorn does not import with the rootfs's python3"
  step "docker import as $prefix/httpbin:v1"
  # gunicorn's sync workers (one request at a time, each answered with Connection: close) bind 8080; their
  # heartbeat files go to /dev/shm (a tmpfs in every pod), since / is read-only there. On SIGTERM gunicorn closes
  # its listeners at once and lets each worker finish its request within --graceful-timeout.
  tar -C "$rootfs" --numeric-owner -c . | timed "$work/import.log" docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV PYTHONPATH=/opt/httpbin PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1' \
    --change 'USER 65532:65532' \
    --change 'EXPOSE 8080' \
    --change "LABEL $key_label=$httpbin_key zero-downtime-rollout.apps.version=1" \
    --change 'ENTRYPOINT ["python3", "-m", "gunicorn", "--bind", "0.0.0.0:8080", "--workers", "2", "--worker-tmp-dir", "/dev/shm", "--graceful-timeout", "10", "--access-logfile", "-", "httpbin:app"]' \
    - "$prefix/httpbin:v1" || die "docker import of $prefix/httpbin:v1 failed (log above)"
  # v2 is v1 with another label: this app is judged with --version-from none.
  v2="$work/httpbin-v2"
  mkdir -p "$v2"
  printf 'FROM %s\nLABEL zero-downtime-rollout.apps.version=2\n' "$prefix/httpbin:v1" >"$v2/Dockerfile"
  timed "$work/httpbin-v2.log" docker build -t "$prefix/httpbin:v2" "$v2" || die "docker build of $prefix/httpbin:v2 failed (log above)"
  step "built $prefix/httpbin:v1 and :v2"
}

build_echo
build_httpbin
step "done: $(for image in echo:v1 echo:v2 httpbin:v1 httpbin:v2; do
  docker image inspect --format '{{.Size}}' "$prefix/$image" | awk -v n="$prefix/$image" '{ printf "%s %.0f MB  ", n, $1 / 1e6 }'
done)"
