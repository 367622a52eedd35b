import type { RunReport } from './summarizeRun.js';

/**
 * Summary rows that only some runs have: a rollback after a stall, what --chaos did, and a judged
 * window shorter than the load's.
 */
export function extraSummaryRows(report: RunReport): [string, string][] {
  const rows: [string, string][] = [];
  const { load } = report;
  if (load.tailCutMs > 0) {
    rows.push([
      'Judged window',
      `up to ${(load.tailCutMs / 1000).toFixed(1)} s before the load stopped (${load.judgedUntil ?? 'never'}): ` +
        'the load tool records nothing for requests in flight when it is stopped, so delivery and coverage ' +
        'count only up to there',
    ]);
  }
  const { rollback } = report.rollout;
  if (rollback) {
    const took = rollback.durationMs === null ? '' : ` in ${(rollback.durationMs / 1000).toFixed(1)} s`;
    rows.push(['Rollback', `${rollback.outcome}${took} (--on-fail rollback)`]);
  }
  for (const incident of report.incidents) {
    const when = incident.offsetMs === null ? '' : ` at ${(incident.offsetMs / 1000).toFixed(1)} s`;
    rows.push([
      'Chaos',
      `${incident.pod} ${incident.what}${when}; ${incident.failedWithin5s} request(s) failed within 5 s after`,
    ]);
  }
  return rows;
}
