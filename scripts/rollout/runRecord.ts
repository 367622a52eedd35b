import type { RolloutChange, RunRecord } from '../model.js';
import type { Target } from '../target.js';
import type { LoadSession } from './loadSession.js';
import type { RolloutRecorder } from './rolloutRecorder.js';

export interface RunFacts {
  target: Target;
  scenario: string;
  change: RolloutChange;
  interrupted: boolean;
  load: LoadSession;
  recorder: RolloutRecorder;
  settings: RunRecord['settings'];
}

/** Everything a finished (or interrupted) run observed, for the verdict and the report. */
export function assembleRunRecord(facts: RunFacts): RunRecord {
  const { target, recorder } = facts;
  return {
    target: target.name,
    scenario: facts.scenario,
    change: facts.change,
    interrupted: facts.interrupted,
    ...facts.load.record(),
    events: [...recorder.events],
    rollout: recorder.rollout,
    incidents: [...recorder.incidents],
    ...(target.errorKindsNote ? { errorKindsNote: target.errorKindsNote } : {}),
    settings: facts.settings,
  };
}
