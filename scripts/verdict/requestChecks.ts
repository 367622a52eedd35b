import { iso, type RunRecord } from '../model.js';
import { seconds, type Finding } from './checks.js';
import { countBy, errorKind, type RunMeasures } from './measureRun.js';
import { STREAM_ORDER_CHECKS } from './streamOrderChecks.js';

/** The open model must deliver at least this share of the requested rate, or the zero proves nothing. */
export const MIN_DELIVERED_SHARE = 0.99;

/** What the report and the checks say of a cut window, in the words of neither generator nor target. */
const LOST_TAIL = 'the load tool records nothing for requests in flight when it is stopped';

type RequestCheck = (run: RunRecord, m: RunMeasures) => Finding | null;

const requestsRecorded: RequestCheck = ({ samples }) => ({
  id: 'requests-recorded',
  passed: samples.length > 0,
  detail: `${samples.length} requests`,
  reason: 'No requests were recorded.',
});

const noFailedRequests: RequestCheck = ({ samples }, { failed }) => {
  const kindText = Object.entries(countBy(failed, errorKind))
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');
  return {
    id: 'no-failed-requests',
    passed: failed.length === 0,
    detail: `${failed.length} of ${samples.length} failed${kindText ? ` (${kindText})` : ''}`,
    reason: `${failed.length} of ${samples.length} requests failed (${kindText}).`,
  };
};

const bothVersionsAnswered: RequestCheck = (run, { ok }) => {
  // npm run prove --version-from none: the answers carry no version; the rollout status alone is judged.
  if (run.settings.versionFrom === 'none')
    return {
      id: 'both-versions-answered',
      passed: null,
      detail: 'not observed: the answers carry no version (--version-from none)',
    };
  const answered = countBy(ok, (s) => s.version ?? 'none');
  const v1 = answered['1'] ?? 0;
  const v2 = answered['2'] ?? 0;
  // A configuration-only change keeps version 1: the new configuration is the other side to be seen.
  const codeChanged = (run.change?.kind ?? 'code') !== 'config';
  const missing = [v1 === 0 ? 'version 1' : null, codeChanged && v2 === 0 ? 'version 2' : null].filter(
    Boolean,
  );
  return {
    id: 'both-versions-answered',
    passed: missing.length === 0,
    detail: codeChanged
      ? `v1 answered ${v1}, v2 answered ${v2}`
      : `v1 answered ${v1} (a configuration-only change keeps v1)`,
    reason: `${capitalize(missing.join(' and '))} never answered a request successfully.`,
  };
};

const newConfigServed: RequestCheck = (run, { config: found }) => {
  const change = run.change;
  if (found === null || !change) return null;
  const id = 'new-config-served';
  const settle = `completion + ${seconds(change.settleMs)} settle`;
  const last =
    found.lastOldAnswerMs === null
      ? 'no answer built from the old configuration after the rollout started'
      : `the last answer built from the old configuration ended ${seconds(found.lastOldAnswerMs)} after the rollout started`;
  if (found.judgedFrom === null)
    return {
      id,
      passed: false,
      detail: 'the rollout never completed',
      reason: 'The rollout never completed, so the new configuration was never judged.',
    };
  if (found.judged === 0)
    return {
      id,
      passed: false,
      detail: `no answer after ${settle}`,
      reason: `No request was answered after the rollout completed and settled (${settle}), so the new configuration was not measured: run a longer --cooldown.`,
    };
  const hashes = Object.entries(found.staleHashes)
    .map(([hash, n]) => `${hash === change.configFrom.hash ? `old ${hash}` : hash} ×${n}`)
    .join(', ');
  return {
    id,
    passed: found.stale === 0,
    detail:
      found.stale === 0
        ? `all ${found.judged} answers after ${settle} on ${change.configTo.hash}; ${last}`
        : `${found.stale} of ${found.judged} answers after ${settle} not on ${change.configTo.hash} (${hashes}); ${last}`,
    reason: `${found.stale} of ${found.judged} answers after the rollout completed and settled were not built from the new configuration (${hashes}); ${last}.`,
  };
};

// A zero that was not measured across the whole rollout is not a pass: the load window must enclose the
// rollout, and requests must really have been sent on both sides of it.
const loadBeforeRollout: RequestCheck = ({ load, rollout }, { before }) => {
  const startedInTime =
    load.startedAt !== null && rollout.startedAt !== null && load.startedAt <= rollout.startedAt;
  return {
    id: 'load-before-rollout',
    passed: startedInTime && before > 0,
    detail:
      load.startedAt === null || rollout.startedAt === null
        ? `load started ${iso(load.startedAt) ?? 'never'}, rollout started ${iso(rollout.startedAt) ?? 'never'}`
        : `load started ${seconds(rollout.startedAt - load.startedAt)} before the rollout, ${before} requests before it`,
    reason:
      load.startedAt === null
        ? 'The load never started.'
        : rollout.startedAt === null
          ? 'The rollout never started, so the load cannot have covered it.'
          : !startedInTime
            ? `The load started ${seconds(load.startedAt - rollout.startedAt)} after the rollout started, so its beginning was not measured.`
            : 'No request was sent before the rollout started, so its beginning was not measured.',
  };
};

// Past the judged end, requests may be missing unseen: coverage counts only up to it.
const loadPastCompletion: RequestCheck = ({ load, rollout }, { window, after }) => {
  const judgedEnd = window?.endedAt ?? null;
  const cut = window?.cutMs ?? 0;
  const endedInTime = judgedEnd !== null && rollout.completedAt !== null && judgedEnd >= rollout.completedAt;
  const ended = cut > 0 ? 'load was judged until' : 'load ended';
  const why = cut > 0 ? ` (${seconds(cut)} before it stopped: ${LOST_TAIL})` : '';
  return {
    id: 'load-past-completion',
    passed: endedInTime && after > 0,
    detail:
      judgedEnd === null || rollout.completedAt === null
        ? `load ended ${iso(load.endedAt) ?? 'never'}, rollout completed ${iso(rollout.completedAt) ?? 'never'}`
        : `${ended} ${seconds(judgedEnd - rollout.completedAt)} after completion${why}, ${after} requests after it`,
    reason:
      rollout.completedAt === null
        ? 'The rollout never completed, so no load after completion could be measured.'
        : judgedEnd === null
          ? 'The load never ended cleanly, so its end was not measured.'
          : !endedInTime
            ? `The ${ended} ${seconds(rollout.completedAt - judgedEnd)} before the rollout completed${why}, so its end was not measured.`
            : 'No request was sent after the rollout completed, so its end was not measured.',
  };
};

// k6's thresholds are part of the claim when k6 ran: a crossed one fails the run even if every recorded
// sample looks fine (e.g. dropped_iterations: k6 skipped requests it could not send in time).
const loadToolThresholds: RequestCheck = ({ load }) => {
  if (load.thresholdsPassed === undefined) return null;
  const failedText = (load.failedThresholds ?? []).join(', ') || 'see the load tool summary';
  return {
    id: 'load-tool-thresholds',
    passed: load.thresholdsPassed,
    detail: load.thresholdsPassed ? 'every threshold held' : `crossed: ${failedText}`,
    reason: `The load tool's thresholds were crossed: ${failedText}.`,
  };
};

const loadDelivered: RequestCheck = ({ load }, { achievedRate: achieved, window }) => {
  const cut = window?.cutMs ?? 0;
  const share = achieved === null || load.rate <= 0 ? 0 : (100 * achieved) / load.rate;
  return {
    id: 'load-delivered',
    passed: achieved !== null && achieved >= MIN_DELIVERED_SHARE * load.rate,
    detail:
      achieved === null
        ? 'no load window'
        : `${achieved.toFixed(1)} rps achieved of ${load.rate} requested (${share.toFixed(1)}%)` +
          (cut > 0 ? `, over the window up to ${seconds(cut)} before the stop (${LOST_TAIL})` : ''),
    reason: `Load not delivered: ${achieved === null ? 'no load window was recorded' : `${achieved.toFixed(1)} rps achieved of ${load.rate} requested (${share.toFixed(1)}%, needs at least ${MIN_DELIVERED_SHARE * 100}%)`}; a quiet generator must not look like a healthy service.`,
  };
};

/** The checks of what this harness measured itself, in the order a reader sees them. */
export const REQUEST_CHECKS: readonly RequestCheck[] = [
  requestsRecorded,
  noFailedRequests,
  ...STREAM_ORDER_CHECKS,
  bothVersionsAnswered,
  newConfigServed,
  loadBeforeRollout,
  loadPastCompletion,
  loadToolThresholds,
  loadDelivered,
];

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
