import type { RolloutEvent } from '../model.js';
import { processedOrderIds } from '../processedOrders.js';
import type { Kubectl } from './kubectl.js';

/**
 * The pods' own record of the orders they processed, for the join with what the client saw (--mix with
 * POSTs). A pod's log goes with the pod, and the old pods are gone by the end of a rollout, so each
 * container is followed (`kubectl logs -f`) from the moment its pod is first ready, the first moment the
 * Service can send it an order, until the container exits, which ends the stream. A container restarted in
 * place (kill-pod on kind) is followed again once it is ready again. A pod still alive at the end is read
 * whole once more (`kubectl logs`): that read holds everything, whatever the follow had passed on by then.
 */
export interface PodOrderLogs {
  /** Fed every rollout event of the cluster's pod watch. */
  onEvent(event: RolloutEvent): void;
  /** Stops following: the order ids every pod logged, an id once per processing. */
  collect(): Promise<string[]>;
}

/** How long collect waits for a gone pod's container to exit (an interrupted run's draining pod) before it stops the follow. */
const GONE_WAIT_MS = 30_000;

interface PodLogs {
  /** One follow per container the pod has run, the current one last. */
  follows: Array<{ stop: AbortController; ended: Promise<{ text: string; ok: boolean; error: string }> }>;
  /** A restart since the last follow began: the next ready starts a follow of the new container. */
  restarted: boolean;
  /** Terminating or exited: the last follow ends with the container, and `kubectl logs` will not find it. */
  gone: boolean;
}

export function followPodOrderLogs(kubectl: Kubectl, log: (line: string) => void): PodOrderLogs {
  const pods = new Map<string, PodLogs>();
  let collecting = false;
  return {
    onEvent(event) {
      if (!('pod' in event) || collecting) return;
      const pod = pods.get(event.pod);
      if (event.kind === 'restarted' && pod) pod.restarted = true;
      if ((event.kind === 'terminating' || event.kind === 'exited') && pod) pod.gone = true;
      if (event.kind !== 'ready' || (pod && !pod.restarted)) return;
      const logs = pod ?? { follows: [], restarted: false, gone: false };
      const stop = new AbortController();
      logs.follows.push({ stop, ended: kubectl.followLog(event.pod, stop.signal) });
      logs.restarted = false;
      pods.set(event.pod, logs);
    },
    async collect() {
      collecting = true;
      const texts = await Promise.all([...pods].map(([name, pod]) => podText(kubectl, name, pod, log)));
      return texts.flatMap((text) => processedOrderIds(text));
    },
  };
}

async function podText(kubectl: Kubectl, name: string, pod: PodLogs, log: (line: string) => void) {
  const last = pod.follows.length - 1;
  const texts = await Promise.all(
    pod.follows.map(async ({ stop, ended }, index) => {
      const current = index === last && !pod.gone;
      const timer = setTimeout(() => stop.abort(), current ? 0 : GONE_WAIT_MS);
      const follow = await ended;
      clearTimeout(timer);
      if (current) {
        return kubectl.podLog(name).catch((error: Error) => {
          log(`could not read pod ${name}'s log once more (${error.message}); its orders are the follow's`);
          return follow.text;
        });
      }
      if (!follow.ok) log(`the log of pod ${name} was not followed to its end (${follow.error})`);
      return follow.text;
    }),
  );
  return texts.join('\n');
}
