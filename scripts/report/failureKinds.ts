import { ERROR_MEANINGS } from '../model.js';
import type { RunReport } from './runReport.js';

/** Each kind of failure in a run, how many, and what it means: the report's failure table. */
export function failureKinds(report: RunReport): Array<{ kind: string; count: number; meaning: string }> {
  return Object.entries(report.requests.byError)
    .sort(([, a], [, b]) => b - a)
    .map(([kind, count]) => ({ kind, count, meaning: meaningOf(kind) }));
}

function meaningOf(kind: string): string {
  const http = /^http_(\d+)$/.exec(kind);
  if (http) return `the pod answered HTTP ${http[1]} instead of 200`;
  return ERROR_MEANINGS[kind] ?? 'an error with no recognisable code';
}
