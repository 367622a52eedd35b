import type { RunReport } from './summarizeRun.js';

/**
 * Summary rows that only some runs have: what the error kinds mean on this target when requests failed,
 * a rollback after a stall, and what --chaos did.
 */
export function extraSummaryRows(report: RunReport): [string, string][] {
  const rows: [string, string][] = [];
  const { errorKindsNote } = report.requests;
  if (errorKindsNote && report.requests.failed > 0) rows.push(['Error kinds', errorKindsNote]);
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
