import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  Watch,
  type V1Pod,
  type V1PodList,
} from '@kubernetes/client-node';
import type { RolloutEvent } from '../model.js';
import type { AppUnderTest } from '../app/appUnderTest.js';
import { SAMPLE_APP } from '../app/sampleApp.js';
import { podChanges, podState, type PodState } from './podEvents.js';
import { MissingPrerequisite } from '../errors.js';

/** The pods of the Deployment as the API server reports them, turned into rollout events. */
export interface PodWatch {
  /** Lists the pods and starts watching; rejects (MissingPrerequisite) when the API refuses or is unreachable. */
  start(): Promise<void>;
  podCounts(): { ready: number; terminating: number };
  /** Resolves once no pod is terminating (old pods drained), or after timeoutMs (false). */
  untilNoneTerminating(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

/** The parts of the Kubernetes API the watch uses, so tests can answer like an API server that misbehaves. */
export interface PodApi {
  list(): Promise<V1PodList>;
  /** Whether this identity may watch pods in the namespace (a SelfSubjectAccessReview). */
  canWatch(): Promise<boolean>;
  /**
   * One watch request from `resourceVersion`; `done` is called once when it ends, with the error if any
   * (an HTTP status arrives as `statusCode`, e.g. 410 when the version is too old).
   */
  watch(
    resourceVersion: string,
    onEvent: (type: string, object: unknown) => void,
    done: (error: unknown) => void,
  ): Promise<{ abort(): void }>;
}

export interface PodWatchOptions {
  onEvent: (event: RolloutEvent) => void;
  /** Watch trouble that the run survives (a dropped connection, a relist), one line each. */
  log: (line: string) => void;
  /** Whose pods, and how their versions are told apart; the sample's by default. */
  app?: AppUnderTest;
  reconnectDelayMs?: number;
}

const RECONNECT_DELAY_MS = 1000;
const MAX_RECONNECT_DELAY_MS = 10_000;
// The API server ends every watch after a while; ask for a bounded one and reconnect.
const WATCH_TIMEOUT_SECONDS = 300;

/**
 * List, then watch from the list's resourceVersion: the pattern of client-go's reflector
 * (https://kubernetes.io/docs/reference/using-api/api-concepts/#efficient-detection-of-changes).
 * A watch that ends is resumed from the last resourceVersion seen (events and BOOKMARKs); one that is
 * told its version is too old (410 Gone, as an ERROR event or as the HTTP status) lists again, and pods
 * that vanished in the gap are reported as gone. A failed reconnect is retried with back-off, never given up.
 */
export function watchPods(api: PodApi, options: PodWatchOptions): PodWatch {
  const watch: WatchState = {
    api,
    options,
    pods: createPodBook(options.onEvent, options.app ?? SAMPLE_APP),
    baseDelay: options.reconnectDelayMs ?? RECONNECT_DELAY_MS,
    resourceVersion: '',
    current: null,
    stopped: false,
    reconnectTimer: undefined,
    failures: 0,
  };
  return {
    start: () => startWatch(watch),
    podCounts: () => watch.pods.counts(),
    async untilNoneTerminating(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!watch.stopped && watch.pods.counts().terminating > 0) {
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return true;
    },
    stop() {
      watch.stopped = true;
      clearTimeout(watch.reconnectTimer);
      watch.current?.abort();
    },
  };
}

/** What the watch's handlers share: the pods known, where to resume from, and the open request if any. */
interface WatchState {
  readonly api: PodApi;
  readonly options: PodWatchOptions;
  readonly pods: ReturnType<typeof createPodBook>;
  readonly baseDelay: number;
  resourceVersion: string;
  current: { abort(): void } | null;
  stopped: boolean;
  reconnectTimer: NodeJS.Timeout | undefined;
  failures: number;
}

async function startWatch(watch: WatchState): Promise<void> {
  try {
    await relist(watch);
  } catch (error) {
    const { namespace } = watch.options.app ?? SAMPLE_APP;
    throw new MissingPrerequisite(`cannot list pods in namespace ${namespace}: ${describe(error)}`, {
      cause: error,
    });
  }
  if (!(await watch.api.canWatch().catch(() => false))) {
    throw new MissingPrerequisite(
      `this kubeconfig's user may not watch pods in namespace ${(watch.options.app ?? SAMPLE_APP).namespace} (RBAC): the harness needs list and watch`,
    );
  }
  await connect(watch);
}

async function relist(watch: WatchState): Promise<void> {
  const list = await watch.api.list();
  watch.pods.replaceAll(list.items);
  watch.resourceVersion = list.metadata?.resourceVersion ?? '';
}

async function connect(watch: WatchState): Promise<void> {
  if (!watch.resourceVersion) await relist(watch);
  if (watch.stopped) return;
  watch.current = await watch.api.watch(
    watch.resourceVersion,
    (type, object) => onChange(watch, type, object),
    (error) => onDone(watch, error),
  );
}

function onChange(watch: WatchState, type: string, object: unknown): void {
  if (type === 'ERROR') {
    const status = object as { code?: number; message?: string };
    if (status.code === 410) watch.resourceVersion = '';
    watch.options.log(`pod watch: the API server said ${status.code ?? '?'} ${status.message ?? ''}`.trim());
    return;
  }
  const pod = object as V1Pod;
  watch.resourceVersion = pod.metadata?.resourceVersion ?? watch.resourceVersion;
  if (type === 'BOOKMARK' || !pod.metadata?.name) return;
  watch.pods.see(pod.metadata.name, type === 'DELETED' ? null : watch.pods.stateOf(pod));
}

function onDone(watch: WatchState, error: unknown): void {
  watch.current = null;
  if (watch.stopped) return;
  if (error) {
    if (statusOf(error) === 410) watch.resourceVersion = '';
    watch.options.log(`pod watch ended (${describe(error)}); reconnecting`);
  }
  scheduleReconnect(watch, error ? watch.baseDelay : 0);
}

function scheduleReconnect(watch: WatchState, delayMs: number): void {
  if (watch.stopped) return;
  watch.reconnectTimer = setTimeout(() => {
    connect(watch).then(
      () => (watch.failures = 0),
      (error: unknown) => {
        watch.failures++;
        watch.options.log(`pod watch: reconnect failed (${describe(error)}); trying again`);
        scheduleReconnect(watch, Math.min(watch.baseDelay * 2 ** watch.failures, MAX_RECONNECT_DELAY_MS));
      },
    );
  }, delayMs);
}

/** What the watch knows of each pod; every change it learns of becomes the rollout events it implies. */
function createPodBook(onEvent: (event: RolloutEvent) => void, app: AppUnderTest) {
  const pods = new Map<string, PodState>();
  const stateOf = (pod: V1Pod) => podState(pod, app);
  const see = (name: string, after: PodState | null) => {
    const before = pods.get(name);
    if (after) pods.set(name, after);
    else pods.delete(name);
    for (const event of podChanges(before, after, Date.now())) onEvent(event);
  };
  return {
    see,
    stateOf,
    /** A fresh list is the truth: pods deleted while no watch was open are gone. */
    replaceAll(items: readonly V1Pod[]) {
      const listed = new Set<string>();
      for (const pod of items) {
        if (!pod.metadata?.name) continue;
        listed.add(pod.metadata.name);
        see(pod.metadata.name, stateOf(pod));
      }
      for (const name of [...pods.keys()]) if (!listed.has(name)) see(name, null);
    },
    counts() {
      let ready = 0;
      let terminating = 0;
      for (const pod of pods.values()) {
        if (pod.terminating) terminating++;
        else if (pod.ready) ready++;
      }
      return { ready, terminating };
    },
  };
}

/**
 * The real API through @kubernetes/client-node. The kubeconfig is the user's (KUBECONFIG or
 * ~/.kube/config), but the context is always the one given, never the current one.
 */
export function kubernetesPodApi(context: string, app: AppUnderTest = SAMPLE_APP): PodApi {
  const { namespace, podSelector } = app;
  const config = new KubeConfig();
  config.loadFromDefault();
  if (!config.getContextObject(context)) {
    throw new MissingPrerequisite(
      `the kubeconfig has no context "${context}" (see kubectl config get-contexts)`,
    );
  }
  config.setCurrentContext(context);
  const core = config.makeApiClient(CoreV1Api);
  const authorization = config.makeApiClient(AuthorizationV1Api);
  const watcher = new Watch(config);
  return {
    list: () => core.listNamespacedPod({ namespace, labelSelector: podSelector }),
    async canWatch() {
      const review = await authorization.createSelfSubjectAccessReview({
        body: { spec: { resourceAttributes: { namespace, verb: 'watch', resource: 'pods' } } },
      });
      return review.status?.allowed === true;
    },
    watch: (resourceVersion, onEvent, done) =>
      watcher.watch(
        `/api/v1/namespaces/${namespace}/pods`,
        {
          labelSelector: podSelector,
          resourceVersion,
          timeoutSeconds: WATCH_TIMEOUT_SECONDS,
          allowWatchBookmarks: true,
        },
        onEvent,
        done,
      ),
  };
}

export function createPodWatch(options: PodWatchOptions & { context: string }): PodWatch {
  return watchPods(kubernetesPodApi(options.context, options.app), options);
}

function statusOf(error: unknown): number | undefined {
  const { statusCode, code } = (error ?? {}) as { statusCode?: unknown; code?: unknown };
  if (typeof statusCode === 'number') return statusCode;
  return typeof code === 'number' ? code : undefined;
}

function describe(error: unknown): string {
  const status = statusOf(error);
  const { code, message, body } = (error ?? {}) as { code?: unknown; message?: unknown; body?: unknown };
  // client-node's ApiException carries the API server's Status object as its body.
  const reason = typeof body === 'string' ? /"message":\s*"([^"]*)"/.exec(body)?.[1] : undefined;
  if (status !== undefined && reason) return `HTTP ${status}: ${reason}`;
  const text = typeof message === 'string' ? message.split('\n')[0] : String(error);
  if (status !== undefined)
    return `HTTP ${status}${text && !text.includes(String(status)) ? `: ${text}` : ''}`;
  if (!text) return 'unknown error';
  return typeof code === 'string' && !text.includes(code) ? `${code}: ${text}` : text;
}
