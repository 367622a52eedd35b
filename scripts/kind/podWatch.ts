import { KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import type { RolloutEvent } from '../model.js';
import { NAMESPACE, POD_SELECTOR } from './kubectl.js';
import { podChanges, podState, type PodState } from './podEvents.js';

/** The pods of the Deployment as the API server reports them, turned into rollout events. */
export interface PodWatch {
  start(): Promise<void>;
  podCounts(): { ready: number; terminating: number };
  /** Resolves once no pod is terminating (old pods drained), or after timeoutMs (false). */
  untilNoneTerminating(timeoutMs: number): Promise<boolean>;
  stop(): void;
}

const RECONNECT_DELAY_MS = 1000;
// The API server ends every watch after a while; ask for a bounded one and reconnect.
const WATCH_TIMEOUT_SECONDS = 300;

/**
 * A Watch (client-node, not kubectl's tables) on the pods labelled app=hello. The kubeconfig is the
 * user's (KUBECONFIG or ~/.kube/config), but the context is always the one given, never the current one.
 */
export function createPodWatch(options: {
  context: string;
  onEvent: (event: RolloutEvent) => void;
}): PodWatch {
  const config = new KubeConfig();
  config.loadFromDefault();
  if (!config.getContextObject(options.context)) {
    throw new Error(`the kubeconfig has no context "${options.context}" (see kubectl config get-contexts)`);
  }
  config.setCurrentContext(options.context);
  const watch = new Watch(config);
  const pods = new Map<string, PodState>();
  const path = `/api/v1/namespaces/${NAMESPACE}/pods`;
  let controller: AbortController | null = null;
  let stopped = false;
  let resourceVersion: string | undefined;
  let reconnectTimer: NodeJS.Timeout | undefined;

  const onChange = (type: string, object: V1Pod | { code?: number }) => {
    if (type === 'ERROR') {
      // 410 Gone: our resourceVersion is too old; start again from the current state.
      resourceVersion = undefined;
      return;
    }
    const pod = object as V1Pod;
    if (type === 'BOOKMARK' || !pod.metadata?.name) return;
    resourceVersion = pod.metadata.resourceVersion ?? resourceVersion;
    const name = pod.metadata.name;
    const before = pods.get(name);
    const after = type === 'DELETED' ? null : podState(pod);
    if (after) pods.set(name, after);
    else pods.delete(name);
    for (const event of podChanges(before, after, Date.now())) options.onEvent(event);
  };

  const connect = async (): Promise<void> => {
    const query: Record<string, string | number | boolean> = {
      labelSelector: POD_SELECTOR,
      timeoutSeconds: WATCH_TIMEOUT_SECONDS,
      allowWatchBookmarks: true,
    };
    if (resourceVersion) query.resourceVersion = resourceVersion;
    controller = await watch.watch(path, query, onChange, () => {
      if (stopped) return;
      reconnectTimer = setTimeout(() => void connect().catch(() => undefined), RECONNECT_DELAY_MS);
    });
  };

  return {
    start: connect,
    podCounts() {
      let ready = 0;
      let terminating = 0;
      for (const pod of pods.values()) {
        if (pod.terminating) terminating++;
        else if (pod.ready) ready++;
      }
      return { ready, terminating };
    },
    async untilNoneTerminating(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!stopped && [...pods.values()].some((pod) => pod.terminating)) {
        if (Date.now() > deadline) return false;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return true;
    },
    stop() {
      stopped = true;
      clearTimeout(reconnectTimer);
      controller?.abort();
    },
  };
}
