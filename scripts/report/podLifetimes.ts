import type { PodEventKind, RolloutEvent } from '../model.js';

export type PodEvent = Extract<RolloutEvent, { pod: string }>;

/** One pod's life as the rollout events tell it; each time is epoch ms, null if it never happened. */
export interface PodLifetime {
  name: string;
  version: string;
  created: number | null;
  /** First time the pod became ready. */
  ready: number | null;
  terminating: number | null;
  exited: number | null;
  restarts: number;
}

export function isPodEvent(event: RolloutEvent): event is PodEvent {
  return 'pod' in event;
}

/** Pods in the order they first appear in the events. */
export function podLifetimes(events: readonly RolloutEvent[]): PodLifetime[] {
  const pods = new Map<string, PodLifetime>();
  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    if (!isPodEvent(event)) continue;
    let pod = pods.get(event.pod);
    if (!pod) {
      pod = {
        name: event.pod,
        version: event.version,
        created: null,
        ready: null,
        terminating: null,
        exited: null,
        restarts: 0,
      };
      pods.set(event.pod, pod);
    }
    const first: Partial<Record<PodEventKind, 'created' | 'ready' | 'terminating'>> = {
      created: 'created',
      ready: 'ready',
      terminating: 'terminating',
    };
    const field = first[event.kind];
    if (field && pod[field] === null) pod[field] = event.at;
    if (event.kind === 'exited') pod.exited = event.at;
    if (event.kind === 'restarted') pod.restarts += 1;
  }
  return [...pods.values()];
}
