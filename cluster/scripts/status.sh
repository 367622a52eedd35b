#!/usr/bin/env bash
# npm run cluster:status: which components run, whether the node is Ready, the server's version. Exit 0 when the
# cluster is up and Ready, 1 when it is down or unhealthy.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
healthy=true
for component in $components; do
  if pid=$(pid_of "$component"); then
    printf '  %-24s running (pid %s)\n' "$component" "$pid"
  else
    printf '  %-24s not running\n' "$component"
    healthy=false
  fi
done
if [ -f "$kubeconfig" ] && kubectl_admin get --raw /readyz >/dev/null 2>&1; then
  ready=$(kubectl_admin get node "$ZDR_NODE_NAME" -o jsonpath='{.status.conditions[?(@.type=="Ready")].status}' 2>/dev/null || true)
  echo "  API server               $(kubectl_admin version -o json 2>/dev/null | sed -n 's/.*"gitVersion": "\(v[^"]*\)".*/\1/p' | tail -1), node $ZDR_NODE_NAME Ready=${ready:-unknown}"
  [ "$ready" = True ] || healthy=false
  echo "  export KUBECONFIG=$kubeconfig"
else
  echo "  API server               not answering"
  healthy=false
fi
$healthy
