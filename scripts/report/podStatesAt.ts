import type { RolloutEvent } from '../model.js';
import { isPodEvent } from './podLifetimes.js';

export interface PodState {
  pod: string;
  version: string;
  state: 'starting' | 'ready' | 'not ready' | 'terminating' | 'exited';
  /** How long the pod had been in that state, in ms. */
  forMs: number;
}

/** Pods that exited this recently still show: a refused connection often follows one. */
const RECENTLY_EXITED_MS = 3000;

/** The state of every pod at instant `at`, replayed from the rollout events. */
export function podStatesAt(events: readonly RolloutEvent[], at: number): PodState[] {
  const states = new Map<string, { version: string; state: PodState['state']; since: number }>();
  for (const event of [...events].sort((a, b) => a.at - b.at)) {
    if (event.at > at) break;
    if (!isPodEvent(event)) continue;
    const prev = states.get(event.pod);
    const next = (state: PodState['state']): void => {
      if (prev?.state !== state) states.set(event.pod, { version: event.version, state, since: event.at });
    };
    if (event.kind === 'created' || event.kind === 'restarted') next('starting');
    else if (event.kind === 'ready') next(prev?.state === 'terminating' ? 'terminating' : 'ready');
    else if (event.kind === 'not-ready') next(prev?.state === 'terminating' ? 'terminating' : 'not ready');
    else if (event.kind === 'terminating') next('terminating');
    else if (event.kind === 'exited') next('exited');
  }
  return [...states.entries()]
    .map(([pod, s]) => ({ pod, version: s.version, state: s.state, forMs: at - s.since }))
    .filter((s) => s.state !== 'exited' || s.forMs <= RECENTLY_EXITED_MS);
}

/**
 * "hello-v1-2 terminating for 0.8 s, hello-v2-1 ready for 0.3 s (maybe not in endpoints yet)": a pod ready for
 * less than the endpoint propagation lag of the run (its --propagation-lag) may not receive traffic yet.
 */
export function describePodStates(states: readonly PodState[], propagationLagMs: number): string {
  if (states.length === 0) return 'no pods';
  return states
    .map((s) => {
      const time = `${(s.forMs / 1000).toFixed(1)} s`;
      const phrase = s.state === 'exited' ? `exited ${time} ago` : `${s.state} for ${time}`;
      const hint = s.state === 'ready' && s.forMs < propagationLagMs ? ' (maybe not in endpoints yet)' : '';
      return `${s.pod} ${phrase}${hint}`;
    })
    .join(', ');
}
