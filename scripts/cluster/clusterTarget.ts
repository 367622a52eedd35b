import path from 'node:path';
import type { RequestShape } from '../../loadtest/requestShape.js';
import type { AppUnderTest } from '../app/appUnderTest.js';
import type { RolloutEvent, RolloutOutcome } from '../model.js';
import type { Target } from '../target.js';
import type { CommandRunner } from './commandRunner.js';
import { createKubectl, type Kubectl } from './kubectl.js';
import { forceDeletePod, type PodKillRecord } from './podKills.js';
import { followPodOrderLogs, type PodOrderLogs } from './podOrderLogs.js';
import type { PodWatch } from './podWatch.js';
import { preflight, type PreflightFacts } from './preflight.js';
import { saveDiagnostics } from './saveDiagnostics.js';

/**
 * How long kube-proxy (iptables mode) may take to apply an endpoint change: at once when its last sync is
 * older than minSyncPeriod (1 s), else when that second is out; 0.04 s median as measured on the real cluster
 * (docs/fidelity.md). The report's hints take the bound.
 * https://kubernetes.io/docs/reference/config-api/kube-proxy-config.v1alpha1/#kubeproxy-config-k8s-io-v1alpha1-KubeProxyIPTablesConfiguration
 */
export const KUBE_PROXY_LAG_MS = 1000;

/** How the target sees the cluster besides commands: a pod watch and the Service's answers. */
export interface ClusterObserver {
  watchPods(
    context: string,
    app: AppUnderTest,
    onEvent: (event: RolloutEvent) => void,
    log: (line: string) => void,
  ): PodWatch;
  /** Until the Service answers `request` as expected, from `version` when given (waitForAnswer.ts). */
  waitForAnswer(url: string, request: RequestShape, version: string | null): Promise<void>;
}

export interface ClusterTargetOptions {
  name: 'kind' | 'kube';
  run: CommandRunner;
  /** The kubectl context, passed explicitly on every call. */
  context: string;
  /** Where k8s/ and the Dockerfile are; commands run from here with relative paths. */
  repoRoot: string;
  /** What it rolls out: the sample, or a team's app (npm run prove). */
  app: AppUnderTest;
  /** The sample's image repository (hello by default; the overlays' tags v1, v2 stay); null: as applied. */
  image: string | null;
  /** Where the Service answers on this machine. */
  serviceUrl: string;
  /** The report folder: diagnostics go to <outDir>/cluster/. */
  outDir: string;
  requiredTools: readonly string[];
  observer: ClusterObserver;
  log: (line: string) => void;
  /** Runs after preflight, before the pod watch (kind: cluster and images). */
  prepare?: (facts: PreflightFacts) => Promise<void>;
  /** Runs last in teardown (kind: keep or delete the cluster). */
  finish?: () => Promise<void>;
  /** --chaos kill-pod on this cluster; by default the pod is force-deleted (and the report says so). */
  killPod?: (pod: string, kubectl: Kubectl) => Promise<PodKillRecord>;
  /** Target.errorKindsNote: how dropped requests reach the client through this cluster's port. */
  errorKindsNote?: string;
  rolloutTimeoutSeconds?: number;
  settleTimeoutMs?: number;
}

/**
 * The kind and kube targets: one code path against a real API server. Rollout start is the moment
 * the API server accepted the new template (apply returned); complete or stalled is what
 * `kubectl rollout status` concludes, which honours the Deployment's progressDeadlineSeconds
 * (https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#failed-deployment).
 */
export function createClusterTarget(options: ClusterTargetOptions): Target {
  const listeners: Array<(event: RolloutEvent) => void> = [];
  const podStates = createPodStates();
  const cluster: ClusterState = {
    options,
    kubectl: createKubectl(options.run, {
      context: options.context,
      repoRoot: options.repoRoot,
      image: options.image,
      app: options.app,
    }),
    emit: (event) => {
      podStates.record(event);
      cluster.orders?.onEvent(event);
      listeners.forEach((listener) => listener(event));
    },
    pods: null,
    orders: null,
    processedOrders: [],
    tornDown: false,
    diagnosticsPlanned: false,
  };
  let finished: Promise<void> | null = null;
  return {
    name: options.name,
    settings: { propagationLagMs: KUBE_PROXY_LAG_MS },
    ...(options.errorKindsNote ? { errorKindsNote: options.errorKindsNote } : {}),
    up: () => bringUp(cluster),
    async deploy(overlay) {
      // Every run starts from fresh pods of its first version, as on the local target. Pods an earlier run
      // left behind may serve another configuration than their manifests say (a ConfigMap edited in place
      // reaches a running pod's env never, and its files only at the kubelet's next sync), and applying
      // the same pod template again would not replace them.
      await cluster.kubectl.deleteDeployment();
      return apply(cluster, overlay, true);
    },
    rollOut: (overlay) => apply(cluster, overlay, false),
    // Re-applying the earlier overlay is a rollout back to it (what `kubectl rollout undo` amounts to).
    rollBack: (overlay) => apply(cluster, overlay, false),
    async killPod(version) {
      // A plan's pod watch reports no pods: it names the one it would pick.
      const pod = podStates.readyPod(version) ?? (options.run.dryRun ? `<a ready v${version} pod>` : null);
      if (!pod) throw new Error(`no ready pod of version ${version} to kill`);
      const kill = options.killPod ?? ((name: string) => forceDeletePod(cluster.kubectl, name));
      return { pod, ...(await kill(pod, cluster.kubectl)) };
    },
    settle: () => settle(cluster),
    removeApplied: (overlay) => cluster.kubectl.deleteApplied(overlay),
    podCounts: () => cluster.pods?.podCounts() ?? { ready: 0, terminating: 0 },
    onEvent(listener) {
      listeners.push(listener);
    },
    recordOrders() {
      cluster.orders ??= followPodOrderLogs(cluster.kubectl, options.log);
      return { processed: async () => cluster.processedOrders };
    },
    teardown() {
      finished ??= tearDown(cluster);
      return finished;
    },
  };
}

/** What the target's steps share: its options, kubectl, the pod watch once up, and whether it is torn down. */
interface ClusterState {
  readonly options: ClusterTargetOptions;
  readonly kubectl: Kubectl;
  readonly emit: (event: RolloutEvent) => void;
  pods: PodWatch | null;
  /** The pods' order logs, once a run that sends POSTs asked for them (recordOrders). */
  orders: PodOrderLogs | null;
  /** What the pods' order logs held at teardown. */
  processedOrders: string[];
  tornDown: boolean;
  diagnosticsPlanned: boolean;
}

async function bringUp(cluster: ClusterState): Promise<string> {
  const { options } = cluster;
  const facts = await preflight(options.run, options.requiredTools);
  await options.prepare?.(facts);
  if (cluster.orders && options.run.dryRun)
    options.log("each pod's log is followed from its first ready (kubectl logs -f POD) to join the orders");
  cluster.pods = options.observer.watchPods(options.context, options.app, cluster.emit, options.log);
  await cluster.pods.start();
  return options.serviceUrl;
}

async function tearDown(cluster: ClusterState): Promise<void> {
  cluster.tornDown = true;
  cluster.pods?.stop();
  try {
    // Before finish: kind's deletes the cluster, and the pods' logs with it.
    cluster.processedOrders = (await cluster.orders?.collect()) ?? [];
  } finally {
    await cluster.options.finish?.();
  }
}

async function apply(
  cluster: ClusterState,
  overlay: string,
  waitForAnswer: boolean,
): Promise<RolloutOutcome> {
  const { options, kubectl, emit } = cluster;
  if (cluster.tornDown) return 'interrupted';
  const version = waitForAnswer ? options.app.deployedVersion(overlay) : null;
  await kubectl.apply(overlay);
  emit({ at: Date.now(), kind: 'rollout-started', detail: path.basename(overlay) });
  const status = await kubectl.rolloutStatus(options.rolloutTimeoutSeconds ?? 300);
  if (options.run.dryRun && !cluster.diagnosticsPlanned) {
    cluster.diagnosticsPlanned = true;
    options.log(
      `if a rollout stalls: pod events, descriptions and logs go to ${path.join(options.outDir, 'cluster')}/`,
    );
  }
  // A Ctrl-C ended `rollout status` along with the harness: no stall, nothing to diagnose.
  if (cluster.tornDown || status.interrupted) return 'interrupted';
  if (!status.ok) {
    emit({ at: Date.now(), kind: 'rollout-stalled', detail: status.message });
    const folder = await saveDiagnostics(kubectl, options.outDir);
    options.log(
      `rollout did not complete (${status.message}): pod events, descriptions and logs in ${folder}`,
    );
    return 'stalled';
  }
  emit({ at: Date.now(), kind: 'rollout-complete', detail: status.message });
  if (waitForAnswer) await untilFirstVersionAnswers(options, cluster.pods, version);
  return 'complete';
}

async function settle(cluster: ClusterState): Promise<void> {
  const timeoutMs = cluster.options.settleTimeoutMs ?? 120_000;
  if (cluster.pods && !(await cluster.pods.untilNoneTerminating(timeoutMs))) {
    cluster.options.log(`pods still terminating after ${timeoutMs / 1000} s; going on`);
  }
}

/** What the pod watch has said of each pod, so chaos can pick a ready one. */
function createPodStates() {
  const states = new Map<string, { version: string; ready: boolean; gone: boolean }>();
  return {
    record(event: RolloutEvent): void {
      if (!('pod' in event)) return;
      const state = states.get(event.pod) ?? { version: event.version, ready: false, gone: false };
      if (event.kind === 'ready') state.ready = true;
      if (event.kind === 'not-ready') state.ready = false;
      if (event.kind === 'terminating' || event.kind === 'exited') state.gone = true;
      states.set(event.pod, state);
    },
    readyPod(version: string): string | null {
      const found = [...states].find(([, state]) => state.version === version && state.ready && !state.gone);
      return found?.[0] ?? null;
    },
  };
}

/**
 * The first version counts as deployed once the pods of whatever ran before (another scenario's release,
 * left by an earlier run) are gone, since a terminating pod still serves and would be judged, and once the
 * Service answers with it.
 */
async function untilFirstVersionAnswers(
  options: ClusterTargetOptions,
  pods: PodWatch | null,
  version: string | null,
): Promise<void> {
  if (pods && !(await pods.untilNoneTerminating(options.settleTimeoutMs ?? 120_000))) {
    options.log('pods of an earlier deployment are still terminating; going on');
  }
  const { app } = options;
  await options.observer.waitForAnswer(options.serviceUrl, app.request, version).catch((error: Error) => {
    // kind maps the NodePort to the host (k8s/kind/cluster.yaml); any other cluster needs a hand.
    if (options.name !== 'kube') throw error;
    throw new Error(
      `${error.message}: expose Service ${app.service} on that port (a NodePort or LoadBalancer reachable from ` +
        'here, then --lb-port); not `kubectl port-forward`, which pins one pod and would drop requests',
      { cause: error },
    );
  });
}
