#!/usr/bin/env bash
# Runs before `npm test` (npm's pretest): the HTML report is checked in a real headless browser, Debian's
# chromium. Installs it when it is missing and we may (root with apt-get); otherwise says how, in one line.
set -euo pipefail
BROWSER="${CHROMIUM_PATH:-/usr/bin/chromium}"
[ -x "$BROWSER" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "[pretest] $BROWSER is missing: installing Debian's chromium (the HTML report test opens it headless)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium >/dev/null
  exit 0
fi
echo "[pretest] $BROWSER is missing: install Debian's chromium (sudo apt-get install chromium) or set CHROMIUM_PATH" >&2
exit 1
