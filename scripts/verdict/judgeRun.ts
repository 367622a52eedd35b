import { isFailed, iso, type RequestSample, type RunRecord } from '../model.js';
import { judgeConfig } from './judgeConfig.js';
import { judgedWindow } from './judgedWindow.js';

/**
 * - pass: every check passed, requests included.
 * - fail: at least one check failed.
 * - rollout-only: `--load none`: the rollout completed, but the requests were sent by an outside tool and
 *   never measured here, so this harness cannot claim zero drops. Not a pass (`pass` is false); the caller
 *   decides whether that is a success for its exit code.
 * - incomplete: the run was interrupted (Ctrl-C); whatever it measured, a partial run is never a pass.
 */
export type VerdictValue = 'pass' | 'fail' | 'rollout-only' | 'incomplete';

/** Every check by its stable id (what tools such as the matrix match on), with the words a reader sees. */
export const CHECK_NAMES = {
  'requests-recorded': 'requests recorded',
  'no-failed-requests': 'no failed requests',
  'both-versions-answered': 'both versions answered',
  'new-config-served': 'new configuration served after the rollout',
  'load-before-rollout': 'load started before the rollout',
  'load-past-completion': 'load ran past rollout completion',
  'load-tool-thresholds': 'load tool thresholds held',
  'load-delivered': 'load delivered',
  'load-tool-ran': 'load tool ran as it should',
  'rollout-completed': 'rollout completed',
  'run-finished': 'run finished',
} as const;
export type CheckId = keyof typeof CHECK_NAMES;

export interface Check {
  id: CheckId;
  name: string;
  /** null: not measured (the load came from an outside tool). */
  passed: boolean | null;
  detail: string;
}

export interface Verdict {
  verdict: VerdictValue;
  pass: boolean;
  /** One plain sentence per thing that kept the run from passing. */
  reasons: string[];
  checks: Check[];
}

/** The open model must deliver at least this share of the requested rate, or the zero proves nothing. */
export const MIN_DELIVERED_SHARE = 0.99;

/**
 * Judges one run from its record alone (knows neither target nor generator).
 *
 * Time conventions it relies on (scripts/model.ts): `load.startedAt`..`load.endedAt` is the window in which
 * the generator scheduled new requests (not including the wait for the last answers), and a sample belongs
 * to the moment it was scheduled (`scheduledAt`). A generator that loses its requests in flight at the stop
 * is judged on the part of that window it recorded in full (judgedWindow.ts).
 */
export function judgeRun(run: RunRecord): Verdict {
  const checks: Check[] = [];
  const reasons: string[] = [];
  const add = (id: CheckId, passed: boolean | null, detail: string, reason?: string): void => {
    checks.push({ id, name: CHECK_NAMES[id], passed, detail });
    if (passed === false) reasons.push(reason ?? detail);
  };

  const measured = run.load.generator !== 'none';
  if (measured) judgeRequests(run, add);
  else {
    const note = 'not measured: the load came from an outside tool (--load none)';
    for (const name of REQUEST_CHECKS) add(name, null, note);
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

const REQUEST_CHECKS: readonly CheckId[] = [
  'requests-recorded',
  'no-failed-requests',
  'both-versions-answered',
  'load-before-rollout',
  'load-past-completion',
  'load-delivered',
];

type Add = (id: CheckId, passed: boolean, detail: string, reason?: string) => void;

function judgeRequests(run: RunRecord, add: Add): void {
  const { samples, load, rollout } = run;
  add('requests-recorded', samples.length > 0, `${samples.length} requests`, 'No requests were recorded.');

  const failed = samples.filter(isFailed);
  const kinds = countBy(failed, errorKind);
  const kindText = Object.entries(kinds)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');
  add(
    'no-failed-requests',
    failed.length === 0,
    `${failed.length} of ${samples.length} failed${kindText ? ` (${kindText})` : ''}`,
    `${failed.length} of ${samples.length} requests failed (${kindText}).`,
  );

  const answered = countBy(
    samples.filter((s) => !isFailed(s)),
    (s) => s.version ?? 'none',
  );
  const v1 = answered['1'] ?? 0;
  const v2 = answered['2'] ?? 0;
  // A configuration-only change keeps version 1: the new configuration is the other side to be seen.
  const codeChanged = (run.change?.kind ?? 'code') !== 'config';
  const missing = [v1 === 0 ? 'version 1' : null, codeChanged && v2 === 0 ? 'version 2' : null].filter(
    Boolean,
  );
  add(
    'both-versions-answered',
    missing.length === 0,
    codeChanged
      ? `v1 answered ${v1}, v2 answered ${v2}`
      : `v1 answered ${v1} (a configuration-only change keeps v1)`,
    `${capitalize(missing.join(' and '))} never answered a request successfully.`,
  );
  judgeConfigCheck(run, add);

  // A zero that was not measured across the whole rollout is not a pass: the load window must enclose the
  // rollout, and requests must really have been sent on both sides of it.
  const before = rollout.startedAt === null ? [] : samples.filter((s) => s.scheduledAt < rollout.startedAt!);
  const startedInTime =
    load.startedAt !== null && rollout.startedAt !== null && load.startedAt <= rollout.startedAt;
  add(
    'load-before-rollout',
    startedInTime && before.length > 0,
    load.startedAt === null || rollout.startedAt === null
      ? `load started ${iso(load.startedAt) ?? 'never'}, rollout started ${iso(rollout.startedAt) ?? 'never'}`
      : `load started ${seconds(rollout.startedAt - load.startedAt)} before the rollout, ${before.length} requests before it`,
    load.startedAt === null
      ? 'The load never started.'
      : rollout.startedAt === null
        ? 'The rollout never started, so the load cannot have covered it.'
        : !startedInTime
          ? `The load started ${seconds(load.startedAt - rollout.startedAt)} after the rollout started, so its beginning was not measured.`
          : 'No request was sent before the rollout started, so its beginning was not measured.',
  );

  // Past the judged end, requests may be missing unseen: coverage counts only up to it.
  const window = judgedWindow(run);
  const judgedEnd = window?.endedAt ?? null;
  const cut = window?.cutMs ?? 0;
  const after =
    rollout.completedAt === null || judgedEnd === null
      ? []
      : samples.filter((s) => s.scheduledAt > rollout.completedAt! && s.scheduledAt <= judgedEnd);
  const endedInTime = judgedEnd !== null && rollout.completedAt !== null && judgedEnd >= rollout.completedAt;
  const ended = cut > 0 ? 'load was judged until' : 'load ended';
  const why = cut > 0 ? ` (${seconds(cut)} before it stopped: ${LOST_TAIL})` : '';
  add(
    'load-past-completion',
    endedInTime && after.length > 0,
    judgedEnd === null || rollout.completedAt === null
      ? `load ended ${iso(load.endedAt) ?? 'never'}, rollout completed ${iso(rollout.completedAt) ?? 'never'}`
      : `${ended} ${seconds(judgedEnd - rollout.completedAt)} after completion${why}, ${after.length} requests after it`,
    rollout.completedAt === null
      ? 'The rollout never completed, so no load after completion could be measured.'
      : judgedEnd === null
        ? 'The load never ended cleanly, so its end was not measured.'
        : !endedInTime
          ? `The ${ended} ${seconds(rollout.completedAt - judgedEnd)} before the rollout completed${why}, so its end was not measured.`
          : 'No request was sent after the rollout completed, so its end was not measured.',
  );

  // k6's thresholds are part of the claim when k6 ran: a crossed one fails the run even if every
  // recorded sample looks fine (e.g. dropped_iterations: k6 skipped requests it could not send in time).
  if (load.thresholdsPassed !== undefined) {
    const failedText = (load.failedThresholds ?? []).join(', ') || 'see the load tool summary';
    add(
      'load-tool-thresholds',
      load.thresholdsPassed,
      load.thresholdsPassed ? 'every threshold held' : `crossed: ${failedText}`,
      `The load tool's thresholds were crossed: ${failedText}.`,
    );
  }

  const achieved = achievedRate(run);
  const delivered = achieved !== null && achieved >= MIN_DELIVERED_SHARE * load.rate;
  const share = achieved === null || load.rate <= 0 ? 0 : (100 * achieved) / load.rate;
  add(
    'load-delivered',
    delivered,
    achieved === null
      ? 'no load window'
      : `${achieved.toFixed(1)} rps achieved of ${load.rate} requested (${share.toFixed(1)}%)` +
          (cut > 0 ? `, over the window up to ${seconds(cut)} before the stop (${LOST_TAIL})` : ''),
    `Load not delivered: ${achieved === null ? 'no load window was recorded' : `${achieved.toFixed(1)} rps achieved of ${load.rate} requested (${share.toFixed(1)}%, needs at least ${MIN_DELIVERED_SHARE * 100}%)`}; a quiet generator must not look like a healthy service.`,
  );
}

function judgeConfigCheck(run: RunRecord, add: Add): void {
  const found = judgeConfig(run);
  const change = run.change;
  if (found === null || !change) return;
  const settle = `completion + ${seconds(change.settleMs)} settle`;
  const last =
    found.lastOldAnswerMs === null
      ? 'no answer built from the old configuration after the rollout started'
      : `the last answer built from the old configuration ended ${seconds(found.lastOldAnswerMs)} after the rollout started`;
  if (found.judgedFrom === null) {
    add(
      'new-config-served',
      false,
      'the rollout never completed',
      'The rollout never completed, so the new configuration was never judged.',
    );
    return;
  }
  if (found.judged === 0) {
    add(
      'new-config-served',
      false,
      `no answer after ${settle}`,
      `No request was answered after the rollout completed and settled (${settle}), so the new configuration was not measured: run a longer --cooldown.`,
    );
    return;
  }
  const hashes = Object.entries(found.staleHashes)
    .map(([hash, n]) => `${hash === change.configFrom.hash ? `old ${hash}` : hash} ×${n}`)
    .join(', ');
  add(
    'new-config-served',
    found.stale === 0,
    found.stale === 0
      ? `all ${found.judged} answers after ${settle} on ${change.configTo.hash}; ${last}`
      : `${found.stale} of ${found.judged} answers after ${settle} not on ${change.configTo.hash} (${hashes}); ${last}`,
    `${found.stale} of ${found.judged} answers after the rollout completed and settled were not built from the new configuration (${hashes}); ${last}.`,
  );
}

/** What the report and the checks say of a cut window, in the words of neither generator nor target. */
const LOST_TAIL = 'the load tool records nothing for requests in flight when it is stopped';

/** Requests scheduled inside the judged load window per second of that window; null without a window. */
export function achievedRate(run: RunRecord): number | null {
  const window = judgedWindow(run);
  if (window === null || window.endedAt <= window.startedAt) return null;
  const { startedAt, endedAt } = window;
  const inWindow = run.samples.filter((s) => s.scheduledAt >= startedAt && s.scheduledAt <= endedAt).length;
  return inWindow / ((endedAt - startedAt) / 1000);
}

/** What went wrong with a failed request: its error code, else its HTTP status. */
export function errorKind(sample: RequestSample): string {
  return sample.error ?? `http_${sample.status ?? 'none'}`;
}

export function countBy<T>(items: T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
