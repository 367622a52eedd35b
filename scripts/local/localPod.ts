import path from 'node:path';
import { type DeploymentSettings } from '../manifests/deploymentSettings.js';
import { containerEnv, type ProbeSettings } from '../manifests/containerSettings.js';
import { ManifestError } from '../manifests/manifestError.js';
import type { PodEventKind } from '../model.js';
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

export function createLocalPod(options: LocalPodOptions): LocalPod {
  const { name, revision, template, entry, logDir, endpoints, onEvent } = options;
  const now = options.now ?? Date.now;
  const { container: spec } = template;
  const version = spec.env.APP_VERSION ?? 'unknown';
  const createdAt = now();
  const volumes = mountPodVolumes({
    podDir: path.join(logDir, `${name}.volumes`),
    mounts: spec.configMapMounts,
    configMaps: options.configMaps,
    kubeletSyncMs: options.kubeletSyncMs,
    createdAt,
    now,
  });
  // The container's environment as of its last start (POD_NAME and ConfigMap keys filled in, paths into
  // its volumes mapped), for the app and for an exec preStop alike.
  let podEnv: Record<string, string> = {};

  let port = 0;
  let container: ContainerProcess | null = null;
  let probers: Prober[] = [];
  let readySince: number | null = null;
  let terminating = false;
  let restarts = 0;
  let restartTimer: NodeJS.Timeout | undefined;
  let exitedForGood: Promise<void> | null = null;

  function setReady(ready: boolean, detail: string) {
    if (ready === (readySince !== null)) return;
    readySince = ready ? now() : null;
    onEvent(ready ? 'ready' : 'not-ready', detail);
    if (ready && !terminating) endpoints.setReady(name, port);
    if (!ready) endpoints.remove(name);
  }

  /** Probes address the container's port; locally that is this pod's own port. */
  function onPodPort(probe: ProbeSettings): ProbeSettings {
    if (probe.handler.port !== spec.port) {
      throw new ManifestError(
        `${name}: probes on port ${probe.handler.port} are not supported locally (app port ${spec.port})`,
      );
    }
    return { ...probe, handler: { ...probe.handler, port } };
  }

  function startProbes() {
    const readiness = spec.readinessProbe;
    if (readiness) {
      probers.push(
        startProber({
          settings: onPodPort(readiness),
          onVerdict: (ok, detail) => setReady(ok, `readiness probe: ${detail}`),
        }),
      );
    } else {
      setReady(true, 'no readiness probe: ready once the container has started');
    }
    if (spec.livenessProbe) {
      probers.push(
        startProber({
          settings: onPodPort(spec.livenessProbe),
          onVerdict: (ok, detail) => {
            if (!ok) void restartContainer(`liveness probe failed: ${detail}`);
          },
        }),
      );
    }
  }

  function stopProbes() {
    for (const prober of probers) prober.stop();
    probers = [];
  }

  async function runContainer() {
    try {
      // ConfigMap keys are read now, at each start of the container, and never again while it runs.
      const env = containerEnv(spec, { name, namespace: template.namespace }, options.configMaps.get);
      podEnv = Object.fromEntries(Object.entries(env).map(([key, value]) => [key, volumes.hostPath(value)]));
    } catch (error) {
      if (!(error instanceof ManifestError)) throw error;
      // The kubelet does not start a container whose env names a missing key, and tries again later.
      scheduleRestart(`CreateContainerConfigError: ${error.message}`);
      return;
    }
    const env = { ...podEnv, PORT: String(port) };
    const current = startContainer({ entry, env, logFile: path.join(logDir, `${name}.log`) });
    container = current;
    if (spec.startupProbe) {
      const startup = startProber({
        settings: onPodPort(spec.startupProbe),
        onVerdict: (ok, detail) => {
          startup.stop();
          probers = probers.filter((p) => p !== startup);
          if (ok) startProbes();
          else void restartContainer(`startup probe failed: ${detail}`);
        },
      });
      probers.push(startup);
    } else {
      startProbes();
    }
    const { code, signal } = await current.exited;
    if (container !== current || terminating) return;
    // A crash: the container exited on its own. restartPolicy Always brings it back, with back-off.
    stopProbes();
    setReady(false, `container exited (${signal ?? `code ${code}`})`);
    scheduleRestart(`container exited (${signal ?? `code ${code}`})`);
  }

  function scheduleRestart(reason: string) {
    const delay = restartDelayMs(restarts);
    restarts++;
    onEvent('restarted', `${reason}; restart ${restarts} in ${delay / 1000} s`);
    restartTimer = setTimeout(() => {
      if (!terminating) void runContainer();
    }, delay);
  }

  async function restartContainer(reason: string) {
    const current = container;
    if (!current || terminating) return;
    stopProbes();
    setReady(false, reason);
    container = null;
    await terminateContainer({
      container: current,
      preStop: spec.preStop,
      gracePeriodSeconds: template.terminationGracePeriodSeconds,
      env: podEnv,
    });
    if (!terminating) scheduleRestart(reason);
  }

  return {
    name,
    revision,
    version,
    createdAt,
    get port() {
      return port;
    },
    get readySince() {
      return readySince;
    },
    get terminating() {
      return terminating;
    },
    get restarts() {
      return restarts;
    },
    async start() {
      port = await freePort();
      onEvent('created', `port ${port}`);
      void runContainer();
    },
    terminate() {
      if (exitedForGood) return exitedForGood;
      terminating = true;
      clearTimeout(restartTimer);
      onEvent('terminating', `grace period ${template.terminationGracePeriodSeconds} s`);
      // Endpoint removal and the kubelet's shutdown start at the same moment; the removal still has to
      // propagate to the proxy (Endpoints' lag), which is why preStop and the app's drain exist.
      endpoints.remove(name);
      const current = container;
      exitedForGood = (async () => {
        if (current && !current.hasExited) {
          const steps: string[] = [];
          const result = await terminateContainer({
            container: current,
            preStop: spec.preStop,
            gracePeriodSeconds: template.terminationGracePeriodSeconds,
            env: podEnv,
            onStep: (step) => steps.push(step),
          });
          stopProbes();
          const how = result.killed
            ? 'killed at the grace deadline'
            : (result.signal ?? `code ${result.code}`);
          onEvent('exited', `${how} (${steps.join(' → ') || 'no steps'})`);
        } else {
          stopProbes();
          onEvent('exited', 'container was not running');
        }
        volumes.close();
        readySince = null;
      })();
      return exitedForGood;
    },
    async kill() {
      terminating = true;
      clearTimeout(restartTimer);
      endpoints.remove(name);
      stopProbes();
      const current = container;
      if (current && !current.hasExited) {
        current.signal('SIGKILL');
        await current.exited;
      }
      volumes.close();
    },
  };
}
