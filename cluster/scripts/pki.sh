# Certificates for the cluster, made with openssl: one CA, and one key and certificate per identity.
# The identities are the ones Kubernetes' default RBAC and Node authorizer expect
# (https://kubernetes.io/docs/setup/best-practices/certificates/#configure-certificates-manually).
# shellcheck shell=bash

pki_dir="$state_dir/pki"

# issue NAME SUBJECT [SANS]: a key and a certificate signed by the cluster CA, valid for a year.
issue() {
  local name=$1 subject=$2 sans=${3:-}
  local ext="$pki_dir/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature,keyEncipherment"
    if [ -n "$sans" ]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  openssl req -new -newkey rsa:2048 -nodes -keyout "$pki_dir/$name.key" -subj "$subject" \
    -out "$pki_dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki_dir/$name.csr" -CA "$pki_dir/ca.crt" -CAkey "$pki_dir/ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$ext" -out "$pki_dir/$name.crt" 2>/dev/null
  rm -f "$pki_dir/$name.csr" "$ext"
}

make_pki() {
  mkdir -p "$pki_dir"
  chmod 700 "$pki_dir"
  openssl req -x509 -new -newkey rsa:2048 -nodes -days 365 -sha256 -subj "/CN=zero-downtime-ca" \
    -keyout "$pki_dir/ca.key" -out "$pki_dir/ca.crt" 2>/dev/null
  issue kube-apiserver "/CN=kube-apiserver" \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$ZDR_API_SERVICE_IP,IP:$ZDR_BRIDGE_IP"
  issue kube-apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  issue admin "/O=system:masters/CN=zero-downtime-admin"
  issue kube-controller-manager "/CN=system:kube-controller-manager"
  issue kube-scheduler "/CN=system:kube-scheduler"
  issue kube-proxy "/CN=system:kube-proxy"
  issue kubelet "/O=system:nodes/CN=system:node:$ZDR_NODE_NAME"
  issue kubelet-serving "/CN=$ZDR_NODE_NAME" "DNS:$ZDR_NODE_NAME,DNS:localhost,IP:127.0.0.1,IP:$ZDR_BRIDGE_IP"
  # Service account tokens are signed with this key pair.
  openssl genrsa -out "$pki_dir/service-account.key" 2048 2>/dev/null
  openssl rsa -in "$pki_dir/service-account.key" -pubout -out "$pki_dir/service-account.pub" 2>/dev/null
}

# write_kubeconfig NAME CONTEXT: a kubeconfig for the identity NAME (its certificate from make_pki).
write_kubeconfig() {
  local name=$1 context=$2 file="$state_dir/kubeconfig/$1.conf"
  mkdir -p "$state_dir/kubeconfig"
  local k=(kubectl --kubeconfig "$file" config)
  "${k[@]}" set-cluster zero-downtime --server "https://127.0.0.1:$ZDR_API_PORT" \
    --certificate-authority "$pki_dir/ca.crt" --embed-certs=true >/dev/null
  "${k[@]}" set-credentials "$name" --client-certificate "$pki_dir/$name.crt" \
    --client-key "$pki_dir/$name.key" --embed-certs=true >/dev/null
  "${k[@]}" set-context "$context" --cluster zero-downtime --user "$name" >/dev/null
  "${k[@]}" use-context "$context" >/dev/null
  chmod 600 "$file"
}
