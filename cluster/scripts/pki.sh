# Certificates for the cluster, made with openssl: two CAs, as kubeadm makes them, and one key and certificate per
# identity. The cluster CA signs the API server's, the kubelet's and every client's certificate, with the identities
# Kubernetes' default RBAC and Node authorizer expect
# (https://kubernetes.io/docs/setup/best-practices/certificates/#configure-certificates-manually). etcd has a CA
# of its own: etcd trusts every certificate its CA signed with full access, so no certificate the cluster CA signs
# (an admin's, a kubelet's) may open it. Keys are ECDSA P-256 (kubeadm's encryptionAlgorithm: ECDSA-P256): each
# takes milliseconds to make where an RSA key takes a quarter of a second on a busy 2-core machine.
# shellcheck shell=bash

pki_dir="$state_dir/pki"

new_key() { # new_key FILE
  (umask 077 && openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null)
}

# new_ca NAME CN: a self-signed CA, valid for a year.
new_ca() {
  new_key "$pki_dir/$1.key"
  openssl req -x509 -new -key "$pki_dir/$1.key" -days 365 -sha256 -subj "/CN=$2" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature" \
    -out "$pki_dir/$1.crt" 2>/dev/null
}

# issue NAME SUBJECT [SANS [CA]]: a key and a certificate signed by CA (default: the cluster CA), valid for a year.
# With SANS it serves and is a client (etcd peers are both); without, it is a client only.
issue() {
  local name=$1 subject=$2 sans=${3:-} ca=${4:-ca}
  local ext="$pki_dir/$name.ext"
  {
    echo "basicConstraints=CA:FALSE"
    echo "keyUsage=critical,digitalSignature"
    if [ -n "$sans" ]; then
      echo "extendedKeyUsage=serverAuth,clientAuth"
      echo "subjectAltName=$sans"
    else
      echo "extendedKeyUsage=clientAuth"
    fi
  } >"$ext"
  new_key "$pki_dir/$name.key"
  openssl req -new -key "$pki_dir/$name.key" -subj "$subject" -out "$pki_dir/$name.csr" 2>/dev/null
  openssl x509 -req -in "$pki_dir/$name.csr" -CA "$pki_dir/$ca.crt" -CAkey "$pki_dir/$ca.key" -CAcreateserial \
    -days 365 -sha256 -extfile "$ext" -out "$pki_dir/$name.crt" 2>/dev/null
  rm -f "$pki_dir/$name.csr" "$ext"
}

make_pki() {
  mkdir -p "$pki_dir/etcd"
  chmod 700 "$pki_dir"
  new_ca ca zero-downtime-ca
  issue kube-apiserver "/CN=kube-apiserver" \
    "DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.cluster.local,IP:127.0.0.1,IP:$ZDR_API_SERVICE_IP,IP:$ZDR_BRIDGE_IP"
  issue kube-apiserver-kubelet-client "/O=system:masters/CN=kube-apiserver-kubelet-client"
  issue admin "/O=system:masters/CN=zero-downtime-admin"
  issue kube-controller-manager "/CN=system:kube-controller-manager"
  issue kube-scheduler "/CN=system:kube-scheduler"
  issue kube-proxy "/CN=system:kube-proxy"
  issue kubelet "/O=system:nodes/CN=system:node:$ZDR_NODE_NAME"
  issue kubelet-serving "/CN=$ZDR_NODE_NAME" "DNS:$ZDR_NODE_NAME,DNS:localhost,IP:127.0.0.1,IP:$ZDR_BRIDGE_IP"
  # etcd's own CA, its serving and peer certificates, and its two clients: the API server and our health check
  # (kubeadm's etcd/ca, etcd/server, etcd/peer, etcd/healthcheck-client and apiserver-etcd-client).
  local etcd_sans="DNS:localhost,DNS:$ZDR_NODE_NAME,IP:127.0.0.1,IP:::1"
  new_ca etcd/ca etcd-ca
  issue etcd/server "/CN=$ZDR_NODE_NAME" "$etcd_sans" etcd/ca
  issue etcd/peer "/CN=$ZDR_NODE_NAME" "$etcd_sans" etcd/ca
  issue etcd/healthcheck-client "/CN=kube-etcd-healthcheck-client" "" etcd/ca
  issue apiserver-etcd-client "/CN=kube-apiserver-etcd-client" "" etcd/ca
  # Service account tokens are signed with this key pair (ES256).
  new_key "$pki_dir/service-account.key"
  openssl pkey -in "$pki_dir/service-account.key" -pubout -out "$pki_dir/service-account.pub" 2>/dev/null
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
