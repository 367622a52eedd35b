import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deploymentSettings, type DeploymentSettings } from '../manifests/deploymentSettings.js';
import { renderKustomization } from '../manifests/renderKustomization.js';
import type { RolloutEvent, RolloutOutcome } from '../model.js';
import { processedOrderIds } from '../processedOrders.js';
import type { Target } from '../target.js';
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
  '../../service/main.js',
);

export function createLocalTarget(options: LocalTargetOptions): Target {
  const serviceEntry = options.serviceEntry ?? DEFAULT_SERVICE_ENTRY;
  if (!fs.existsSync(serviceEntry)) {
    throw new Error(
      `the service is not built (${path.relative(process.cwd(), serviceEntry)} is missing): run npm run build`,
    );
  }
  fs.mkdirSync(options.logDir, { recursive: true });

  const listeners: Array<(event: RolloutEvent) => void> = [];
  const emit = (event: RolloutEvent) => listeners.forEach((listener) => listener(event));
  // The Service's balancer runs as a process of its own (kube-proxy's place); it learns each endpoint change
  // once the change has propagated.
  const proxy = createServiceProxy({ port: options.lbPort, host: '127.0.0.1' });
  const endpoints = createEndpoints({
    propagationLagMs: options.propagationLagMs,
    onChange: (current) => proxy.setEndpoints(current),
  });
  const configMaps = createConfigMaps();
  const pods = new Map<string, LocalPod>();
  /** Every pod ever made, in order: whose logs hold the orders processed. */
  const podNames: string[] = [];
  const templates = new Map<string, DeploymentSettings>();
  let podCounter = 0;
  let lastRevision: string | null = null;
  let tornDown = false;
  let outcomeWaiter: ((outcome: RolloutOutcome) => void) | null = null;

  // The controller reacts to pod changes, and pods change as it acts: run it from the event loop, never
  // from inside a pod's callback, so one reconcile pass never sees a half-applied change.
  let syncQueued = false;
  const requestSync = () => {
    if (syncQueued || tornDown) return;
    syncQueued = true;
    setImmediate(() => {
      syncQueued = false;
      if (!tornDown) controller.sync();
    });
  };

  const podControl: PodControl = {
    list: () => [...pods.values()],
    create(revision) {
      const template = templates.get(revision);
      if (!template) throw new Error(`no template for ${revision}`);
      const version = template.container.env.APP_VERSION ?? 'unknown';
      const name = `${template.name}-v${version}-${++podCounter}`;
      const pod = createLocalPod({
        name,
        revision,
        template,
        entry: serviceEntry,
        logDir: options.logDir,
        endpoints,
        configMaps,
        kubeletSyncMs: options.kubeletSyncMs,
        onEvent: (kind, detail) => {
          emit({ at: Date.now(), kind, pod: name, version, ...(detail ? { detail } : {}) });
          requestSync();
        },
      });
      pods.set(name, pod);
      podNames.push(name);
      void pod.start();
    },
    terminate(name) {
      const pod = pods.get(name);
      if (!pod) return;
      void pod.terminate().then(() => {
        pods.delete(name);
        requestSync();
      });
    },
  };

  const controller = createDeploymentController({
    spec: { replicas: 0, minReadySeconds: 0, progressDeadlineSeconds: 600, maxSurge: 1, maxUnavailable: 0 },
    pods: podControl,
    now: Date.now,
    onEvent: (kind, detail) => {
      emit({ at: Date.now(), kind, detail });
      if (kind === 'rollout-complete' || kind === 'rollout-stalled') {
        outcomeWaiter?.(kind === 'rollout-complete' ? 'complete' : 'stalled');
        outcomeWaiter = null;
      }
    },
  });
  const syncTimer = setInterval(() => controller.sync(), SYNC_INTERVAL_MS);

  /**
   * `kubectl apply -k overlay` and wait. Its ConfigMaps are stored (pods that mount a changed one see it at
   * their next kubelet sync); its pod template becomes the Deployment's. A template seen before is the same
   * revision, as a ReplicaSet is found by its pod-template-hash: re-applying it rolls nothing, and the
   * rollout is complete at once.
   */
  function apply(overlay: string): Promise<RolloutOutcome> {
    if (tornDown) return Promise.resolve('interrupted');
    const objects = renderKustomization(overlay);
    const settings = deploymentSettings(objects);
    configMaps.apply(objects);
    const revision = `${settings.name}-${settings.templateHash}`;
    templates.set(revision, settings);
    lastRevision = revision;
    const outcome = new Promise<RolloutOutcome>((resolve) => (outcomeWaiter = resolve));
    controller.rollTo(revision, {
      replicas: settings.replicas,
      maxSurge: settings.maxSurge,
      maxUnavailable: settings.maxUnavailable,
      minReadySeconds: settings.minReadySeconds,
      progressDeadlineSeconds: settings.progressDeadlineSeconds,
    });
    return outcome;
  }

  return {
    name: 'local',
    async up() {
      const port = await proxy.listen();
      return `http://127.0.0.1:${port}`;
    },
    async deploy(overlay) {
      const outcome = await apply(overlay);
      // "Ready" is not "reachable": the endpoints reach the balancer only after the propagation lag.
      // Load must not start before the Service answers, or its first requests meet no endpoints.
      const replicas = templates.get(lastRevision ?? '')?.replicas ?? 1;
      const deadline = Date.now() + options.propagationLagMs + 10_000;
      while (
        outcome === 'complete' &&
        !tornDown &&
        endpoints.current().length < replicas &&
        Date.now() < deadline
      ) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return outcome;
    },
    rollOut: apply,
    rollBack: apply,
    async killPod(version) {
      const victim = [...pods.values()].find(
        (pod) => pod.version === version && !pod.terminating && pod.readySince !== null,
      );
      if (!victim) throw new Error(`no ready pod of version ${version} to kill`);
      // The pod is gone at once (no preStop, no grace), as when its node dies: the endpoints lose it after
      // the usual lag and the controller creates a replacement.
      const at = Date.now();
      emit({ at, kind: 'terminating', pod: victim.name, version, detail: 'chaos: SIGKILL, no grace' });
      await victim.kill();
      emit({ at: Date.now(), kind: 'exited', pod: victim.name, version, detail: 'killed (chaos: kill-pod)' });
      pods.delete(victim.name);
      requestSync();
      return {
        pod: victim.name,
        at,
        what: 'killed with SIGKILL, no grace; the Deployment replaces it (--chaos kill-pod)',
      };
    },
    async settle() {
      while (!tornDown && [...pods.values()].some((pod) => pod.terminating)) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    podCounts() {
      let ready = 0;
      let terminating = 0;
      for (const pod of pods.values()) {
        if (pod.terminating) terminating++;
        else if (pod.readySince !== null) ready++;
      }
      return { ready, terminating };
    },
    onEvent(listener) {
      listeners.push(listener);
    },
    async processedOrders() {
      const logs = podNames.map((name) => path.join(options.logDir, `${name}.log`));
      return logs.flatMap((log) =>
        fs.existsSync(log) ? processedOrderIds(fs.readFileSync(log, 'utf8')) : [],
      );
    },
    async teardown() {
      if (tornDown) return;
      tornDown = true;
      clearInterval(syncTimer);
      outcomeWaiter?.('interrupted');
      await Promise.all([...pods.values()].map((pod) => pod.kill()));
      endpoints.close();
      await proxy.close();
    },
  };
}
