import type { RolloutEvent, RolloutOutcome, RunRecord } from '../model.js';
import type { PodKill, Target } from '../target.js';
import type { ProgressOutput } from './rolloutProgress.js';

/**
 * Collects a target's rollout events, and from them the rollout's (and a rollback's) start and end.
 * The Deployment's own events come for each apply, so the recorder is told which one is under way:
 * the first version's deploy (not timed), the rollout under load, or a rollback after it stalled.
 * Pod changes during the rollout are also printed as step lines.
 */
export interface RolloutRecorder {
  readonly events: readonly RolloutEvent[];
  readonly rollout: Readonly<RunRecord['rollout']>;
  readonly incidents: ReadonlyArray<NonNullable<RunRecord['incidents']>[number]>;
  beginRollout(): void;
  endRollout(outcome: RolloutOutcome): void;
  /** Times the rollback from now on and records its start as an event. */
  beginRollback(detail: string): void;
  endRollback(outcome: RolloutOutcome): void;
  /** What the harness itself did to a pod (chaos). */
  incident(kill: PodKill): void;
}

const PRINTED: ReadonlySet<RolloutEvent['kind']> = new Set(['ready', 'terminating', 'exited', 'restarted']);

export function recordRollout(target: Target, output: ProgressOutput): RolloutRecorder {
  const events: RolloutEvent[] = [];
  const incidents: Array<NonNullable<RunRecord['incidents']>[number]> = [];
  const rollout: RunRecord['rollout'] = { startedAt: null, completedAt: null, outcome: 'interrupted' };
  let phase: 'deploy' | 'rollout' | 'rollback' = 'deploy';
  target.onEvent((event) => {
    events.push(event);
    if (phase === 'deploy') return;
    if (phase === 'rollout') {
      if (event.kind === 'rollout-started') rollout.startedAt ??= event.at;
      if (event.kind === 'rollout-complete') rollout.completedAt ??= event.at;
    } else if (rollout.rollback && event.kind === 'rollout-complete') {
      rollout.rollback.completedAt ??= event.at;
    }
    if ('pod' in event && PRINTED.has(event.kind)) {
      const detail = event.kind === 'exited' || event.kind === 'restarted' ? `: ${event.detail ?? ''}` : '';
      output.step(`  ${event.pod} ${event.kind}${detail}`);
    }
  });
  return {
    events,
    rollout,
    incidents,
    beginRollout() {
      phase = 'rollout';
    },
    endRollout(outcome) {
      rollout.outcome = outcome;
    },
    beginRollback(detail) {
      phase = 'rollback';
      const startedAt = Date.now();
      rollout.rollback = { startedAt, completedAt: null, outcome: 'interrupted' };
      events.push({ at: startedAt, kind: 'rollback-started', detail });
    },
    endRollback(outcome) {
      if (rollout.rollback) rollout.rollback.outcome = outcome;
    },
    incident(kill) {
      incidents.push({ at: kill.at, pod: kill.pod, what: kill.what });
    },
  };
}
