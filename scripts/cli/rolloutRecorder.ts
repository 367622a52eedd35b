import type { RolloutEvent, RunRecord } from '../model.js';
import type { Target } from '../targets/target.js';
import type { ProgressOutput } from './progressOutput.js';

/**
 * Collects a target's rollout events, and from them the rollout's (and a rollback's) start and end.
 * The Deployment's own events come for each apply, so the recorder is told which one is under way:
 * the first version's deploy (not timed), the rollout under load, or a rollback after it stalled.
 * Pod changes during the rollout are also printed as step lines.
 */
export interface RolloutRecorder {
  events: RolloutEvent[];
  rollout: RunRecord['rollout'];
  phase: 'deploy' | 'rollout' | 'rollback';
}

const PRINTED: ReadonlySet<RolloutEvent['kind']> = new Set(['ready', 'terminating', 'exited', 'restarted']);

export function recordRollout(target: Target, output: ProgressOutput): RolloutRecorder {
  const recorder: RolloutRecorder = {
    events: [],
    rollout: { startedAt: null, completedAt: null, outcome: 'interrupted' },
    phase: 'deploy',
  };
  const { rollout } = recorder;
  target.onEvent((event) => {
    recorder.events.push(event);
    if (recorder.phase === 'deploy') return;
    if (recorder.phase === 'rollout') {
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
  return recorder;
}
