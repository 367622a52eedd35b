// The local engine's defaults, as measured on the real cluster: the local target's own facts, not the CLI's.

/**
 * The local Service's endpoint propagation lag when --propagation-lag is not given, as measured on the real
 * cluster (npm run demo:fidelity, docs/fidelity.md): a deleted pod got its last new connection 0.04 s after the
 * deletion (median of 5; worst 0.06 s; once 0.54 s). kube-proxy in iptables mode syncs at once when its last
 * sync is older than minSyncPeriod (1 s) and waits out the rest of that second otherwise, so 1 s is the worst
 * case (the matrix runs that too), 0.1 s the usual one.
 * https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/#kubeproxy-config-k8s-io-v1alpha1-KubeProxyIPTablesConfiguration
 */
export const DEFAULT_PROPAGATION_LAG_S = 0.1;

/**
 * How long after its start a pod's kubelet syncs it again, and so rewrites its ConfigMap volumes, as measured
 * on the real cluster (Kubernetes v1.36.5, default syncFrequency 1 min, ConfigMap change detection Watch):
 * 6 pods in two runs saw their mounted file change 68.6 to 90.5 s after they became ready (the kubelet
 * requeues a pod 1 to 1.5 × syncFrequency after its last sync: wait.Jitter in pkg/kubelet/pod_workers.go).
 * The engine takes the middle, without the jitter, so a run is reproducible.
 * https://kubernetes.io/docs/reference/config-api/kubelet-config.v1beta1/
 */
export const DEFAULT_KUBELET_SYNC_S = 75;
