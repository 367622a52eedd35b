import type { RunRecord } from '../model.js';
import type { Target } from '../target.js';
import type { ProgressOutput } from './rolloutProgress.js';
import { recordRollout } from './rolloutRecorder.js';
import type { RouteNeeds } from './routeCheck.js';
import { planStepLine } from './rolloutStepLines.js';
import { walkRollout } from './rolloutSteps.js';

export interface RolloutPlanSpec {
  /** A target that only prints what it would do (a dry-run command runner, or the local plan target). */
  target: Target;
  from: string;
  to: string;
  loadName: RunRecord['load']['generator'];
  rate: number;
  keepAlive: boolean;
  warmupMs: number;
  cooldownMs: number;
  onFail: 'stop' | 'rollback';
  chaos: 'none' | 'kill-pod';
  /** The routes the load's streams and POSTs need; a run that sends POSTs keeps its pods' order logs. */
  routes?: RouteNeeds;
  outDir: string;
  print: (line: string) => void;
}

/**
 * --dry-run: the steps of a run (rolloutSteps.ts), walked against a target that prints instead of
 * acting, with what is not a command as `# comment` lines. No load starts, no time passes, no report
 * is written: the plan says where the report would go.
 */
export async function planRollout(spec: RolloutPlanSpec): Promise<void> {
  const { target, print } = spec;
  const quiet: ProgressOutput = { step: () => {}, status: () => {}, note: () => {} };
  print(`# plan for the ${target.name} target (dry run: nothing below is executed)`);
  if (spec.routes?.orders) target.recordOrders?.();
  try {
    await walkRollout({
      ...spec,
      configSettleMs: null,
      generator: spec.loadName,
      load: { start: () => {}, started: async () => {}, stop: async () => null },
      // Only the steps' bookkeeping: a plan records nothing, its target emits no events.
      recorder: recordRollout(target, quiet),
      mode: {
        planning: true,
        say(step) {
          const line = planStepLine(step);
          if (line !== null) print(line);
        },
        wait: async () => {},
      },
      signal: new AbortController().signal,
    });
  } finally {
    await target.teardown();
  }
  print(`# judge the run and write report.json, report.md and report.html to ${spec.outDir}/`);
}
