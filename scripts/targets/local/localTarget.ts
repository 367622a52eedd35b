import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deploymentSettings, type DeploymentSettings } from '../../manifests/deploymentSettings.js';
import { renderKustomization } from '../../manifests/renderKustomization.js';
import type { RolloutEvent, RolloutOutcome } from '../../model.js';
import { processedOrderIds } from '../../processedOrders.js';
import type { Target } from '../../target.js';
import { createConfigMaps } from './configMaps.js';
import { createServiceProxy } from './serviceProxy.js';
import { createDeploymentController, type PodControl } from './deploymentController.js';
import { createEndpoints } from './endpoints.js';
import { createLocalPod, type LocalPod } from './localPod.js';

/**
 * The embedded `local` target: a Deployment, its pods and its Service on one machine, under the rules
 * that decide whether a request drops (rolling update, probes, endpoints with propagation lag, an L4
 * balancer, the kubelet's termination), read from the same manifests a cluster gets.
 */
export interface LocalTargetOptions {
  /** The balancer's port on 127.0.0.1 (the Service). 0 picks a free one. */
  lbPort: number;
  /** How long an endpoint change takes to reach the balancer (kube-proxy's sync). */
  propagationLagMs: number;
  /** How often the kubelet syncs a pod, and so rewrites its ConfigMap volumes (syncFrequency). */
  kubeletSyncMs: number;
  /** Where each pod's output goes (<pod>.log). */
  logDir: string;
  /** The compiled service entry; dist/service/main.js by default. */
  serviceEntry?: string;
}

const SYNC_INTERVAL_MS = 100;

export const DEFAULT_SERVICE_ENTRY = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../../service/main.js',
);

/** What the target's functions share: the Service, the pods and the Deployment's controller. */
interface LocalEngine {
  readonly options: LocalTargetOptions;
  readonly serviceEntry: string;
  readonly emit: (event: RolloutEvent) => void;
  readonly proxy: ReturnType<typeof createServiceProxy>;
  readonly endpoints: ReturnType<typeof createEndpoints>;
  readonly configMaps: ReturnType<typeof createConfigMaps>;
  readonly pods: Map<string, LocalPod>;
  /** Every pod ever made, in order: whose logs hold the orders processed. */
  readonly podNames: string[];
  readonly templates: Map<string, DeploymentSettings>;
  controller: ReturnType<typeof createDeploymentController> | null;
  podCounter: number;
  lastRevision: string | null;
  tornDown: boolean;
  syncQueued: boolean;
  outcomeWaiter: ((outcome: RolloutOutcome) => void) | null;
}

export function createLocalTarget(options: LocalTargetOptions): Target {
  const serviceEntry = options.serviceEntry ?? DEFAULT_SERVICE_ENTRY;
  if (!fs.existsSync(serviceEntry)) {
    throw new Error(
      `the service is not built (${path.relative(process.cwd(), serviceEntry)} is missing): run npm run build`,
    );
  }
  fs.mkdirSync(options.logDir, { recursive: true });
  const listeners: Array<(event: RolloutEvent) => void> = [];
  const engine = createEngine(options, serviceEntry, (event) =>
    listeners.forEach((listener) => listener(event)),
  );
  const controller = startController(engine);
  const syncTimer = setInterval(() => controller.sync(), SYNC_INTERVAL_MS);
  const apply = (overlay: string) => applyOverlay(engine, overlay);
  return {
    name: 'local',
    settings: { propagationLagMs: options.propagationLagMs, kubeletSyncMs: options.kubeletSyncMs },
    async up() {
      const port = await engine.proxy.listen();
      return `http://127.0.0.1:${port}`;
    },
    async deploy(overlay) {
      const outcome = await apply(overlay);
      if (outcome === 'complete') await untilServiceAnswers(engine);
      return outcome;
    },
    rollOut: apply,
    rollBack: apply,
    killPod: (version) => killReadyPod(engine, version),
    async settle() {
      while (!engine.tornDown && [...engine.pods.values()].some((pod) => pod.terminating)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    podCounts: () => countPods(engine.pods.values()),
    onEvent(listener) {
      listeners.push(listener);
    },
    // Every pod's log stays in its file (terminated pods' too), so there is nothing to start.
    recordOrders: () => ({ processed: async () => processedOrdersOf(engine) }),
    async teardown() {
      if (engine.tornDown) return;
      engine.tornDown = true;
      clearInterval(syncTimer);
      engine.outcomeWaiter?.('interrupted');
      await Promise.all([...engine.pods.values()].map((pod) => pod.kill()));
      engine.endpoints.close();
      await engine.proxy.close();
    },
  };
}

function createEngine(
  options: LocalTargetOptions,
  serviceEntry: string,
  emit: (event: RolloutEvent) => void,
): LocalEngine {
  // The Service's balancer runs as a process of its own (kube-proxy's place); it learns each endpoint change
  // once the change has propagated.
  const proxy = createServiceProxy({ port: options.lbPort, host: '127.0.0.1' });
  const endpoints = createEndpoints({
    propagationLagMs: options.propagationLagMs,
    onChange: (current) => proxy.setEndpoints(current),
  });
  return {
    options,
    serviceEntry,
    emit,
    proxy,
    endpoints,
    configMaps: createConfigMaps(),
    pods: new Map(),
    podNames: [],
    templates: new Map(),
    controller: null,
    podCounter: 0,
    lastRevision: null,
    tornDown: false,
    syncQueued: false,
    outcomeWaiter: null,
  };
}

/**
 * The controller reacts to pod changes, and pods change as it acts: run it from the event loop, never
 * from inside a pod's callback, so one reconcile pass never sees a half-applied change.
 */
function requestSync(engine: LocalEngine) {
  if (engine.syncQueued || engine.tornDown) return;
  engine.syncQueued = true;
  setImmediate(() => {
    engine.syncQueued = false;
    if (!engine.tornDown) engine.controller?.sync();
  });
}

function startController(engine: LocalEngine) {
  const controller = createDeploymentController({
    spec: { replicas: 0, minReadySeconds: 0, progressDeadlineSeconds: 600, maxSurge: 1, maxUnavailable: 0 },
    pods: podControl(engine),
    now: Date.now,
    onEvent: (kind, detail) => {
      engine.emit({ at: Date.now(), kind, detail });
      if (kind === 'rollout-complete' || kind === 'rollout-stalled') {
        engine.outcomeWaiter?.(kind === 'rollout-complete' ? 'complete' : 'stalled');
        engine.outcomeWaiter = null;
      }
    },
  });
  engine.controller = controller;
  return controller;
}

/** The orders every pod of the run logged as processed, terminated pods included (their logs stay). */
function processedOrdersOf({ options, podNames }: LocalEngine): string[] {
  const logs = podNames.map((name) => path.join(options.logDir, `${name}.log`));
  return logs.flatMap((log) => (fs.existsSync(log) ? processedOrderIds(fs.readFileSync(log, 'utf8')) : []));
}

/** How the controller creates and terminates the engine's pods. */
function podControl(engine: LocalEngine): PodControl {
  const { pods } = engine;
  return {
    list: () => [...pods.values()],
    create(revision) {
      const pod = createPod(engine, revision);
      pods.set(pod.name, pod);
      engine.podNames.push(pod.name);
      void pod.start();
    },
    terminate(name) {
      const pod = pods.get(name);
      if (!pod) return;
      void pod.terminate().then(() => {
        pods.delete(name);
        requestSync(engine);
      });
    },
  };
}

function createPod(engine: LocalEngine, revision: string): LocalPod {
  const template = engine.templates.get(revision);
  if (!template) throw new Error(`no template for ${revision}`);
  const version = template.container.env.APP_VERSION ?? 'unknown';
  const name = `${template.name}-v${version}-${++engine.podCounter}`;
  return createLocalPod({
    name,
    revision,
    template,
    entry: engine.serviceEntry,
    logDir: engine.options.logDir,
    endpoints: engine.endpoints,
    configMaps: engine.configMaps,
    kubeletSyncMs: engine.options.kubeletSyncMs,
    onEvent: (kind, detail) => {
      engine.emit({ at: Date.now(), kind, pod: name, version, ...(detail ? { detail } : {}) });
      requestSync(engine);
    },
  });
}

/**
 * `kubectl apply -k overlay` and wait. Its ConfigMaps are stored (pods that mount a changed one see it at
 * their next kubelet sync); its pod template becomes the Deployment's. A template seen before is the same
 * revision, as a ReplicaSet is found by its pod-template-hash: re-applying it rolls nothing, and the
 * rollout is complete at once.
 */
function applyOverlay(engine: LocalEngine, overlay: string): Promise<RolloutOutcome> {
  if (engine.tornDown || !engine.controller) return Promise.resolve('interrupted');
  const objects = renderKustomization(overlay);
  const settings = deploymentSettings(objects);
  engine.configMaps.apply(objects);
  const revision = `${settings.name}-${settings.templateHash}`;
  engine.templates.set(revision, settings);
  engine.lastRevision = revision;
  const outcome = new Promise<RolloutOutcome>((resolve) => (engine.outcomeWaiter = resolve));
  engine.controller.rollTo(revision, {
    replicas: settings.replicas,
    maxSurge: settings.maxSurge,
    maxUnavailable: settings.maxUnavailable,
    minReadySeconds: settings.minReadySeconds,
    progressDeadlineSeconds: settings.progressDeadlineSeconds,
  });
  return outcome;
}

/**
 * "Ready" is not "reachable": the endpoints reach the balancer only after the propagation lag.
 * Load must not start before the Service answers, or its first requests meet no endpoints.
 */
async function untilServiceAnswers(engine: LocalEngine) {
  const replicas = engine.templates.get(engine.lastRevision ?? '')?.replicas ?? 1;
  const deadline = Date.now() + engine.options.propagationLagMs + 10_000;
  while (!engine.tornDown && engine.endpoints.current().length < replicas && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function killReadyPod(engine: LocalEngine, version: string) {
  const victim = [...engine.pods.values()].find(
    (pod) => pod.version === version && !pod.terminating && pod.readySince !== null,
  );
  if (!victim) throw new Error(`no ready pod of version ${version} to kill`);
  // The pod is gone at once (no preStop, no grace), as when its node dies: the endpoints lose it after
  // the usual lag and the controller creates a replacement.
  const at = Date.now();
  engine.emit({ at, kind: 'terminating', pod: victim.name, version, detail: 'chaos: SIGKILL, no grace' });
  await victim.kill();
  engine.emit({
    at: Date.now(),
    kind: 'exited',
    pod: victim.name,
    version,
    detail: 'killed (chaos: kill-pod)',
  });
  engine.pods.delete(victim.name);
  requestSync(engine);
  return {
    pod: victim.name,
    at,
    what: 'killed with SIGKILL, no grace; the Deployment replaces it (--chaos kill-pod)',
  };
}

function countPods(pods: Iterable<LocalPod>) {
  let ready = 0;
  let terminating = 0;
  for (const pod of pods) {
    if (pod.terminating) terminating++;
    else if (pod.readySince !== null) ready++;
  }
  return { ready, terminating };
}
