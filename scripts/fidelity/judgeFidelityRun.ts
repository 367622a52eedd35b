import type { CheckId } from '../verdict/checks.js';
import { matchesExpectation } from '../verdict/judgeExpectation.js';
import type { FidelityExpectation } from './fidelityRows.js';

/** The fields of report.json a fidelity row is judged on. */
export interface FidelityReportFields {
  verdict: string;
  requests: { total: number; failed: number; byError: Record<string, number> };
  rollout: { complete: boolean; outcome?: string; rollback?: { outcome: string } | null };
  checks: Array<{ id: CheckId; passed: boolean | null }>;
  incidents?: Array<{ failedWithin5s: number }>;
}

/**
 * Whether one run showed what its row expects. "some dropped" only counts when the rollout completed under
 * delivered load, so the drops are the scenario's doing and not a broken run's.
 */
export function judgeFidelityRun(expected: FidelityExpectation, report: FidelityReportFields): boolean {
  const delivered = report.checks.find((check) => check.id === 'load-delivered')?.passed !== false;
  switch (expected.kind) {
    case 'drops':
      return matchesExpectation(expected, report);
    case 'stalled-rollback':
      return (
        report.rollout.outcome === 'stalled' &&
        report.rollout.rollback?.outcome === 'complete' &&
        report.requests.failed === 0 &&
        delivered
      );
    case 'chaos': {
      const nearKill = (report.incidents ?? []).reduce((sum, incident) => sum + incident.failedWithin5s, 0);
      return (
        (report.incidents ?? []).length === 1 &&
        report.rollout.complete &&
        report.requests.failed === nearKill &&
        delivered
      );
    }
  }
}
