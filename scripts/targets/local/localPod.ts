import path from 'node:path';
import { type DeploymentSettings } from '../../manifests/deploymentSettings.js';
import { containerEnv, type ProbeSettings } from '../../manifests/containerSettings.js';
import { ManifestError } from '../../manifests/manifestError.js';
import type { PodEventKind } from '../../model.js';
import type { ConfigMaps } from './configMaps.js';
import type { ControlledPod } from './deploymentController.js';
import type { Endpoints } from './endpoints.js';
import { freePort, startContainer, type ContainerProcess } from './podProcess.js';
import { mountPodVolumes } from './podVolumes.js';
import { startProber, type Prober } from './prober.js';
import { terminateContainer } from './podTermination.js';

/**
 * One pod of the local target, run the way the kubelet runs it:
 *   - its container is a real process on its own port of 127.0.0.1 (a pod's own IP in a cluster);
 *   - the startup probe, if any, holds off the other probes until it passes;
 *   - with a readiness probe, the pod is ready only once the probe passes; WITHOUT one, it is ready as
 *     soon as the container has started, listening or not: the reason requests drop without one;
 *   - a liveness or startup probe failure restarts the container; so does a crash, with back-off
 *     (restartPolicy Always, CrashLoopBackOff);
 *   - terminate(): out of the endpoints and into preStop → SIGTERM → SIGKILL, both at once.
 * Ready pods (not terminating) are in the Service's endpoints.
 */
export interface LocalPod extends ControlledPod {
  readonly version: string;
  readonly port: number;
  readonly restarts: number;
  start(): Promise<void>;
  /** Marks the pod terminating and stops it; resolves once its container has exited. */
  terminate(): Promise<void>;
  /** SIGKILL now, no grace (teardown and chaos). Resolves once the container has exited. */
  kill(): Promise<void>;
}

export interface LocalPodOptions {
  name: string;
  revision: string;
  template: DeploymentSettings;
  /** The compiled service entry every container runs. */
  entry: string;
  logDir: string;
  endpoints: Pick<Endpoints, 'setReady' | 'remove'>;
  /** Where its env reads ConfigMap keys and its ConfigMap volumes come from. */
  configMaps: ConfigMaps;
  /** How often the kubelet syncs the pod, and so rewrites its ConfigMap volumes (syncFrequency). */
  kubeletSyncMs: number;
  onEvent: (kind: PodEventKind, detail?: string) => void;
  now?: () => number;
}

/** Restart back-off: 10 s, doubling, capped at 5 min (the first restart is immediate). */
export function restartDelayMs(restarts: number): number {
  return restarts === 0 ? 0 : Math.min(10_000 * 2 ** (restarts - 1), 300_000);
}

/** What the pod's functions share: its options, its volumes and the state that changes as it runs. */
interface PodContext {
  readonly options: LocalPodOptions;
  readonly spec: DeploymentSettings['container'];
  readonly now: () => number;
  readonly volumes: ReturnType<typeof mountPodVolumes>;
  port: number;
  container: ContainerProcess | null;
  probers: Prober[];
  readySince: number | null;
  terminating: boolean;
  restarts: number;
  restartTimer?: NodeJS.Timeout;
  exitedForGood?: Promise<void>;
  /** The env as of the container's last start (POD_NAME, ConfigMap keys, volume paths), for app and preStop. */
  podEnv: Record<string, string>;
}

export function createLocalPod(options: LocalPodOptions): LocalPod {
  const { name, revision, template } = options;
  const now = options.now ?? Date.now;
  const spec = template.container;
  const createdAt = now();
  const volumes = mountPodVolumes({
    podDir: path.join(options.logDir, `${name}.volumes`),
    mounts: spec.configMapMounts,
    configMaps: options.configMaps,
    kubeletSyncMs: options.kubeletSyncMs,
    createdAt,
    now,
  });
  const pod: PodContext = {
    options,
    spec,
    now,
    volumes,
    port: 0,
    container: null,
    probers: [],
    readySince: null,
    terminating: false,
    restarts: 0,
    podEnv: {},
  };
  return {
    name,
    revision,
    version: spec.env.APP_VERSION ?? 'unknown',
    createdAt,
    get port() {
      return pod.port;
    },
    get readySince() {
      return pod.readySince;
    },
    get terminating() {
      return pod.terminating;
    },
    get restarts() {
      return pod.restarts;
    },
    async start() {
      pod.port = await freePort();
      options.onEvent('created', `port ${pod.port}`);
      void runContainer(pod);
    },
    terminate: () => terminatePod(pod),
    kill: () => killPod(pod),
  };
}

function setReady(pod: PodContext, ready: boolean, detail: string) {
  if (ready === (pod.readySince !== null)) return;
  const { name, endpoints, onEvent } = pod.options;
  pod.readySince = ready ? pod.now() : null;
  onEvent(ready ? 'ready' : 'not-ready', detail);
  if (ready && !pod.terminating) endpoints.setReady(name, pod.port);
  if (!ready) endpoints.remove(name);
}

/** Probes address the container's port; locally that is this pod's own port. */
function onPodPort(pod: PodContext, probe: ProbeSettings): ProbeSettings {
  if (probe.handler.port !== pod.spec.port) {
    throw new ManifestError(
      `${pod.options.name}: probes on port ${probe.handler.port} are not supported locally (app port ${pod.spec.port})`,
    );
  }
  return { ...probe, handler: { ...probe.handler, port: pod.port } };
}

function startProbes(pod: PodContext) {
  const { readinessProbe, livenessProbe } = pod.spec;
  if (readinessProbe) {
    pod.probers.push(
      startProber({
        settings: onPodPort(pod, readinessProbe),
        onVerdict: (ok, detail) => setReady(pod, ok, `readiness probe: ${detail}`),
      }),
    );
  } else {
    setReady(pod, true, 'no readiness probe: ready once the container has started');
  }
  if (livenessProbe) {
    pod.probers.push(
      startProber({
        settings: onPodPort(pod, livenessProbe),
        onVerdict: (ok, detail) => {
          if (!ok) void restartContainer(pod, `liveness probe failed: ${detail}`);
        },
      }),
    );
  }
}

/** The startup probe, if any, holds off the other probes until it passes; without one they start now. */
function startStartupProbe(pod: PodContext) {
  const { startupProbe } = pod.spec;
  if (!startupProbe) {
    startProbes(pod);
    return;
  }
  const startup = startProber({
    settings: onPodPort(pod, startupProbe),
    onVerdict: (ok, detail) => {
      startup.stop();
      pod.probers = pod.probers.filter((p) => p !== startup);
      if (ok) startProbes(pod);
      else void restartContainer(pod, `startup probe failed: ${detail}`);
    },
  });
  pod.probers.push(startup);
}

function stopProbes(pod: PodContext) {
  for (const prober of pod.probers) prober.stop();
  pod.probers = [];
}

/** Fills pod.podEnv for this start; false (and a restart scheduled) when the kubelet would refuse the start. */
function preparePodEnv(pod: PodContext): boolean {
  const { name, template, configMaps } = pod.options;
  try {
    // ConfigMap keys are read now, at each start of the container, and never again while it runs.
    const env = containerEnv(pod.spec, { name, namespace: template.namespace }, configMaps.get);
    pod.podEnv = Object.fromEntries(
      Object.entries(env).map(([key, value]) => [key, pod.volumes.hostPath(value)]),
    );
    return true;
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    // The kubelet does not start a container whose env names a missing key, and tries again later.
    scheduleRestart(pod, `CreateContainerConfigError: ${error.message}`);
    return false;
  }
}

async function runContainer(pod: PodContext) {
  if (!preparePodEnv(pod)) return;
  const { name, entry, logDir } = pod.options;
  const env = { ...pod.podEnv, PORT: String(pod.port) };
  const current = startContainer({ entry, env, logFile: path.join(logDir, `${name}.log`) });
  pod.container = current;
  startStartupProbe(pod);
  const { code, signal } = await current.exited;
  if (pod.container !== current || pod.terminating) return;
  // A crash: the container exited on its own. restartPolicy Always brings it back, with back-off.
  stopProbes(pod);
  setReady(pod, false, `container exited (${signal ?? `code ${code}`})`);
  scheduleRestart(pod, `container exited (${signal ?? `code ${code}`})`);
}

function scheduleRestart(pod: PodContext, reason: string) {
  const delay = restartDelayMs(pod.restarts);
  pod.restarts++;
  pod.options.onEvent('restarted', `${reason}; restart ${pod.restarts} in ${delay / 1000} s`);
  pod.restartTimer = setTimeout(() => {
    if (!pod.terminating) void runContainer(pod);
  }, delay);
}

async function restartContainer(pod: PodContext, reason: string) {
  const current = pod.container;
  if (!current || pod.terminating) return;
  stopProbes(pod);
  setReady(pod, false, reason);
  pod.container = null;
  await terminateContainer({
    container: current,
    preStop: pod.spec.preStop,
    gracePeriodSeconds: pod.options.template.terminationGracePeriodSeconds,
    env: pod.podEnv,
  });
  if (!pod.terminating) scheduleRestart(pod, reason);
}

function terminatePod(pod: PodContext): Promise<void> {
  if (pod.exitedForGood) return pod.exitedForGood;
  const { name, template, endpoints, onEvent } = pod.options;
  pod.terminating = true;
  clearTimeout(pod.restartTimer);
  onEvent('terminating', `grace period ${template.terminationGracePeriodSeconds} s`);
  // Endpoint removal and the kubelet's shutdown start at the same moment; the removal still has to
  // propagate to the proxy (Endpoints' lag), which is why preStop and the app's drain exist.
  endpoints.remove(name);
  const current = pod.container;
  pod.exitedForGood = (async () => {
    if (current && !current.hasExited) await stopContainerForGood(pod, current);
    else {
      stopProbes(pod);
      onEvent('exited', 'container was not running');
    }
    pod.volumes.close();
    pod.readySince = null;
  })();
  return pod.exitedForGood;
}

/** preStop → SIGTERM → SIGKILL at the grace deadline, then one 'exited' event naming the steps taken. */
async function stopContainerForGood(pod: PodContext, current: ContainerProcess) {
  const steps: string[] = [];
  const result = await terminateContainer({
    container: current,
    preStop: pod.spec.preStop,
    gracePeriodSeconds: pod.options.template.terminationGracePeriodSeconds,
    env: pod.podEnv,
    onStep: (step) => steps.push(step),
  });
  stopProbes(pod);
  const how = result.killed ? 'killed at the grace deadline' : (result.signal ?? `code ${result.code}`);
  pod.options.onEvent('exited', `${how} (${steps.join(' → ') || 'no steps'})`);
}

async function killPod(pod: PodContext) {
  pod.terminating = true;
  clearTimeout(pod.restartTimer);
  pod.options.endpoints.remove(pod.options.name);
  stopProbes(pod);
  const current = pod.container;
  if (current && !current.hasExited) {
    current.signal('SIGKILL');
    await current.exited;
  }
  pod.volumes.close();
}
