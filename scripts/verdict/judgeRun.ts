import type { RunRecord } from '../model.js';
import { CHECK_NAMES, seconds, type Check, type CheckId, type Finding } from './checks.js';
import { measureRun, type RunMeasures } from './measureRun.js';
import { REQUEST_CHECKS } from './requestChecks.js';

/**
 * - pass: every check passed, requests included.
 * - fail: at least one check failed.
 * - rollout-only: `--load none`: the rollout completed, but the requests were sent by an outside tool and
 *   never measured here, so this harness cannot claim zero drops. Not a pass (`pass` is false); the caller
 *   decides whether that is a success for its exit code.
 * - incomplete: the run was interrupted (Ctrl-C); whatever it measured, a partial run is never a pass.
 */
export type VerdictValue = 'pass' | 'fail' | 'rollout-only' | 'incomplete';

export interface Verdict {
  verdict: VerdictValue;
  pass: boolean;
  /** One plain sentence per thing that kept the run from passing. */
  reasons: string[];
  checks: Check[];
}

/**
 * Judges one run from its record alone (knows neither target nor generator).
 *
 * Time conventions it relies on (scripts/model.ts): `load.startedAt`..`load.endedAt` is the window in which
 * the generator scheduled new requests (not including the wait for the last answers), and a sample belongs
 * to the moment it was scheduled (`scheduledAt`). A generator that loses its requests in flight at the stop
 * is judged on the part of that window it recorded in full (judgedWindow.ts).
 */
export function judgeRun(run: RunRecord, measures: RunMeasures = measureRun(run)): Verdict {
  const checks: Check[] = [];
  const reasons: string[] = [];
  const add = (id: CheckId, passed: boolean | null, detail: string, reason?: string): void => {
    checks.push({ id, name: CHECK_NAMES[id], passed, detail });
    if (passed === false) reasons.push(reason ?? detail);
  };

  const measured = run.load.generator !== 'none';
  if (measured) {
    for (const check of REQUEST_CHECKS) {
      const found: Finding | null = check(run, measures);
      if (found) add(found.id, found.passed, found.detail, found.reason);
    }
  } else {
    const note = 'not measured: the load came from an outside tool (--load none)';
    for (const id of NOT_MEASURED_WITHOUT_LOAD) add(id, null, note);
  }

  // The load tool's own word that its run went wrong (k6 exited before it was stopped, ...): a zero it
  // measured is not to be trusted.
  if (run.load.problem) add('load-tool-ran', false, run.load.problem, `The load tool: ${run.load.problem}.`);

  const { outcome, completedAt } = run.rollout;
  const complete = outcome === 'complete' && completedAt !== null;
  add(
    'rollout-completed',
    complete,
    complete && run.rollout.startedAt !== null
      ? `completed ${seconds(completedAt - run.rollout.startedAt)} after it started`
      : `outcome: ${outcome}`,
    run.rollout.startedAt === null
      ? 'The rollout never started.'
      : `The rollout did not complete (outcome: ${outcome}).`,
  );

  add(
    'run-finished',
    !run.interrupted,
    run.interrupted ? 'interrupted' : 'ran to the end',
    'The run was interrupted before it finished, so this report is partial.',
  );

  const anyFailed = checks.some((c) => c.passed === false);
  const verdict: VerdictValue = run.interrupted
    ? 'incomplete'
    : anyFailed
      ? 'fail'
      : measured
        ? 'pass'
        : 'rollout-only';
  if (verdict === 'rollout-only') {
    reasons.push(
      'Requests were not measured by this harness (--load none): only the rollout was judged; ' +
        "read your load tool's error count for the requests.",
    );
  }
  return { verdict, pass: verdict === 'pass', reasons, checks };
}

/** The request checks a run with `--load none` lists as not measured. */
const NOT_MEASURED_WITHOUT_LOAD: readonly CheckId[] = [
  'requests-recorded',
  'no-failed-requests',
  'both-versions-answered',
  'load-before-rollout',
  'load-past-completion',
  'load-delivered',
];
