import type { CheckId } from './checks.js';

/** What a scenario's run should show: dropped requests or none, and for a configuration change, the config. */
export interface DropsExpectation {
  drops: 'none' | 'some';
  /** Whether only the new configuration is served once the rollout settled ('consistent'), or not ('stale'). */
  config?: 'consistent' | 'stale';
  /** Checks the scenario's damage must fail beside the request count (streams cut, orders ambiguous). */
  failing?: readonly CheckId[];
}

/** The fields of report.json an expectation is judged on. */
export interface ExpectationReportFields {
  verdict: string;
  requests: { failed: number };
  rollout: { complete: boolean };
  checks: Array<{ id: CheckId; passed: boolean | null }>;
}

/**
 * "none" matches a run that passed outright (zero failed, rollout complete, load delivered and covering
 * it); with stale configuration expected, every check but the configuration's must pass and that one
 * fail, and so for every check of the scenario's failure kind (`failing`), which must have failed in either
 * case. "some" matches requests failed in a rollout that completed under delivered load, so the drops are
 * the scenario's doing and not a broken run's.
 */
export function matchesExpectation(expected: DropsExpectation, report: ExpectationReportFields): boolean {
  const config = report.checks.find((check) => check.id === 'new-config-served');
  if (expected.config !== undefined && config?.passed !== (expected.config === 'consistent')) return false;
  const mustFail = new Set<CheckId>(expected.failing ?? []);
  if (expected.config === 'stale') mustFail.add('new-config-served');
  // A failure kind that did not show is no match, whatever the request count: its check must have run and failed.
  for (const id of mustFail) {
    if (report.checks.find((check) => check.id === id)?.passed !== false) return false;
  }
  if (expected.drops === 'none') {
    const othersPassed = report.checks.every((c) => mustFail.has(c.id) || c.passed !== false);
    return (mustFail.size > 0 ? othersPassed : report.verdict === 'pass') && report.requests.failed === 0;
  }
  const delivered = report.checks.find((check) => check.id === 'load-delivered')?.passed !== false;
  return report.requests.failed > 0 && report.rollout.complete && delivered;
}
