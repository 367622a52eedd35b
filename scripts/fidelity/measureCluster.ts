import { CoreV1Api, KubeConfig, type V1Pod } from '@kubernetes/client-node';
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { CommandRunner } from '../cluster/commandRunner.js';
import { SAMPLE_APP } from '../app/sampleApp.js';

const { namespace: NAMESPACE, podSelector: POD_SELECTOR } = SAMPLE_APP;

/** The cluster's own timings that decide whether a request drops, beside what the local engine assumes. */
export interface ClusterTimings {
  /** Pod deletion accepted → the last NEW connection kube-proxy sent to it (ms): the median of the deletions. */
  propagationLagMs: number;
  /** The same, the worst of the deletions (ms). */
  propagationLagWorstMs: number;
  /** Pod deletion accepted → the app logged SIGTERM (preStop sleep 2 s in between) (ms). */
  sigtermAfterDeleteMs: number | null;
  /** SIGTERM → the API shows the pod not Ready (the readiness probe sees 503) (ms). */
  notReadyAfterSigtermMs: number | null;
  /** Pod deletion accepted → the container was SIGKILLed, for the short-grace scenario (grace 3 s, preStop 2 s) (ms). */
  sigkillAfterDeleteMs: number | null;
  rows: Array<{ name: string; measured: string; engine: string }>;
}

export interface MeasureOptions {
  context: string;
  run: CommandRunner;
  /** Overlays to apply: hardened v1, and short-grace v1, each published on the NodePort. */
  hardened: string;
  shortGrace: string;
  serviceUrl: string;
  /** What the local engine uses, for the side-by-side rows. */
  engine: { propagationLagMs: number };
  log: (line: string) => void;
}

const SAMPLE_INTERVAL_MS = 5;
/** Each pod-deletion timing is read over this many deletions. */
const DELETIONS = 5;
const SAMPLE_WINDOW_MS = 6000;

/**
 * Deletes one ready pod of a hardened deployment while new connections arrive every 5 ms, and reads off when
 * kube-proxy stopped sending them to it, when SIGTERM arrived and when the pod left readiness; then deletes a
 * pod whose grace period is too short and reads off when the kubelet killed it.
 */
export async function measureCluster(options: MeasureOptions): Promise<ClusterTimings> {
  const api = coreApi(options.context);
  const { lags, sigterms, notReadies } = await measureDeletions(api, options);
  const sorted = [...lags].sort((a, b) => a - b);
  const sigkillAfterDeleteMs = await measureSigkill(api, options);
  const worst = (values: number[]) => (values.length === DELETIONS ? Math.max(...values) : null);
  const timings = {
    propagationLagMs: sorted[Math.floor(sorted.length / 2)] ?? 0,
    propagationLagWorstMs: sorted.at(-1) ?? 0,
    sigtermAfterDeleteMs: worst(sigterms),
    notReadyAfterSigtermMs: worst(notReadies),
    sigkillAfterDeleteMs,
  };
  return { ...timings, rows: timingRows(timings, options.engine.propagationLagMs) };
}

/** Each of DELETIONS hardened pods deleted under new connections: lag, delete → SIGTERM, SIGTERM → not Ready. */
async function measureDeletions(api: CoreV1Api, options: MeasureOptions) {
  options.log(
    `measuring: the hardened v1; a pod deleted under a stream of new connections, ${DELETIONS} times`,
  );
  const lags: number[] = [];
  const sigterms: number[] = [];
  const notReadies: number[] = [];
  for (let i = 0; i < DELETIONS; i++) {
    await applyAndWait(options, options.hardened);
    const victim = await readyPod(api);
    const sampler = sampleNewConnections(options.serviceUrl, SAMPLE_WINDOW_MS);
    await sleep(300);
    await api.deleteNamespacedPod({ name: victim, namespace: NAMESPACE });
    const deletedAt = Date.now();
    const [samples, notReadyAt, logs] = await Promise.all([
      sampler,
      whenPod(api, victim, (pod) => !isReady(pod), SAMPLE_WINDOW_MS),
      sleep(4000).then(() => podLogs(options, victim)),
    ]);
    const lastNew = samples.filter((s) => s.pod === victim && s.at >= deletedAt).map((s) => s.at);
    lags.push(lastNew.length > 0 ? Math.max(...lastNew) - deletedAt : 0);
    const sigtermAt = sigtermTime(logs);
    if (sigtermAt !== null) sigterms.push(sigtermAt - deletedAt);
    if (sigtermAt !== null && notReadyAt !== null) notReadies.push(notReadyAt - sigtermAt);
  }
  return { lags, sigterms, notReadies };
}

/** delete → SIGKILL of a pod whose grace period ends before its drain (short-grace); null: not seen. */
async function measureSigkill(api: CoreV1Api, options: MeasureOptions): Promise<number | null> {
  options.log(
    'measuring: a pod whose grace period ends before its drain (short-grace): when is it SIGKILLed?',
  );
  await applyAndWait(options, options.shortGrace);
  const shortLived = await readyPod(api);
  await api.deleteNamespacedPod({ name: shortLived, namespace: NAMESPACE });
  const shortDeletedAt = Date.now();
  const killedAt = await whenPod(api, shortLived, (pod) => exitCode(pod) === 137, 15_000);
  await applyAndWait(options, options.hardened);
  return killedAt === null ? null : killedAt - shortDeletedAt;
}

function timingRows(timings: Omit<ClusterTimings, 'rows'>, engineLagMs: number): ClusterTimings['rows'] {
  const ms = (value: number | null) => (value === null ? 'not seen' : `${(value / 1000).toFixed(2)} s`);
  return [
    {
      name: `endpoint propagation lag (delete → last new connection to the pod; median / worst of ${DELETIONS})`,
      measured: `${ms(timings.propagationLagMs)} / ${ms(timings.propagationLagWorstMs)}`,
      engine: `${(engineLagMs / 1000).toFixed(2)} s (--propagation-lag)`,
    },
    {
      name: `delete → SIGTERM (preStop sleep 2 s; worst of ${DELETIONS})`,
      measured: ms(timings.sigtermAfterDeleteMs),
      engine: '2.00 s (preStop runs to its end, then SIGTERM)',
    },
    {
      name: `SIGTERM → not Ready (readiness probe every 1 s, 2 failures; worst of ${DELETIONS})`,
      measured: ms(timings.notReadyAfterSigtermMs),
      engine:
        'not needed: a terminating pod leaves the endpoints at once (the probe only counts for running pods)',
    },
    {
      name: 'delete → SIGKILL (grace 3 s, preStop 2 s)',
      measured: ms(timings.sigkillAfterDeleteMs),
      engine: '4.00 s (the kubelet leaves SIGTERM at least 2 s after preStop)',
    },
  ];
}

function coreApi(context: string): CoreV1Api {
  const config = new KubeConfig();
  config.loadFromDefault();
  config.setCurrentContext(context);
  return config.makeApiClient(CoreV1Api);
}

async function applyAndWait(options: MeasureOptions, overlay: string): Promise<void> {
  const base = ['--context', options.context, '--namespace', NAMESPACE];
  for (const args of [
    ['apply', '-k', overlay],
    ['rollout', 'status', 'deployment/hello', '--timeout=180s'],
  ]) {
    const result = await options.run.run('kubectl', [...base, ...args], { timeoutMs: 240_000 });
    if (result.code !== 0) {
      throw new Error(`kubectl ${args.slice(0, 2).join(' ')} failed: ${result.stderr.trim().split('\n')[0]}`);
    }
  }
  // Old pods drained (none terminating), so the one deleted next is the only one leaving.
  const api = coreApi(options.context);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const pods = await api.listNamespacedPod({ namespace: NAMESPACE, labelSelector: POD_SELECTOR });
    if (pods.items.every((pod) => !pod.metadata?.deletionTimestamp && isReady(pod))) return;
    await sleep(250);
  }
  throw new Error('pods still terminating or unready 60 s after the rollout');
}

async function readyPod(api: CoreV1Api): Promise<string> {
  const pods = await api.listNamespacedPod({ namespace: NAMESPACE, labelSelector: POD_SELECTOR });
  const pod = pods.items.find((p) => isReady(p) && !p.metadata?.deletionTimestamp);
  if (!pod?.metadata?.name) throw new Error('no ready pod to measure with');
  return pod.metadata.name;
}

const isReady = (pod: V1Pod) =>
  pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
const exitCode = (pod: V1Pod) => pod.status?.containerStatuses?.[0]?.state?.terminated?.exitCode;

/** When `test(pod)` first held, polling every 50 ms; null if it did not within timeoutMs. */
async function whenPod(
  api: CoreV1Api,
  name: string,
  test: (pod: V1Pod) => boolean,
  timeoutMs: number,
): Promise<number | null> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if (test(await api.readNamespacedPod({ name, namespace: NAMESPACE }))) return Date.now();
    } catch {
      return null; // 404: the pod object is gone already
    }
    await sleep(50);
  }
  return null;
}

/** One new connection every 5 ms for `windowMs` (at most windowMs / 5 requests): when, and which pod answered. */
async function sampleNewConnections(
  url: string,
  windowMs: number,
): Promise<Array<{ at: number; pod: string }>> {
  const samples: Array<{ at: number; pod: string }> = [];
  const end = Date.now() + windowMs;
  const pending: Array<Promise<void>> = [];
  const health = new URL('/health', url);
  while (Date.now() < end) {
    const sentAt = Date.now();
    pending.push(
      new Promise<void>((resolve) => {
        const request = http.get(health, { agent: false, timeout: 2000 }, (response) => {
          response.resume();
          const pod = response.headers['x-pod-name'];
          if (typeof pod === 'string') samples.push({ at: sentAt, pod });
          response.on('end', resolve);
        });
        request.on('error', () => resolve());
        request.on('timeout', () => request.destroy());
      }),
    );
    await sleep(SAMPLE_INTERVAL_MS);
  }
  await Promise.all(pending);
  return samples;
}

async function podLogs(options: MeasureOptions, pod: string): Promise<string> {
  const result = await options.run.run(
    'kubectl',
    ['--context', options.context, '--namespace', NAMESPACE, 'logs', pod],
    { timeoutMs: 20_000 },
  );
  return result.stdout;
}

/** The time of the service's "signal received" log line (pino: epoch ms in `time`). */
export function sigtermTime(logs: string): number | null {
  for (const line of logs.split('\n')) {
    try {
      const entry = JSON.parse(line) as { time?: number; msg?: string };
      if (typeof entry.time === 'number' && /signal received/.test(entry.msg ?? '')) return entry.time;
    } catch {
      // not a JSON log line
    }
  }
  return null;
}
