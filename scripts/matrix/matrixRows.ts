import { failingOf, keepAliveModesOf, SCENARIOS, type Drops } from '../scenarios/scenarios.js';
import type { CheckId } from '../verdict/checks.js';

/** One row of the matrix: a scenario under one load shape, and what it should show. */
export interface MatrixRow {
  id: string;
  scenario: string;
  removes: string;
  keepAlive: boolean;
  propagationLagS: number;
  /** Requests per second; scenarios whose damage is a rate-dependent race run faster (with a control). */
  rate: number;
  expected: Drops;
  /** For a configuration change: whether the new configuration alone is served once settled. */
  expectedConfig?: 'consistent' | 'stale';
  /** The checks the scenario's failure kind must fail (streams cut, orders ambiguous). */
  expectedFailing?: CheckId[];
  /**
   * The load generator every run of the row uses: the expectations were measured with the built-in
   * one (undici), and generators do not all see the same failures (k6 retries some GETs unseen).
   */
  load: 'builtin';
  /** True where the expectation holds for `load` only: then it names the generator. */
  loadSpecific: boolean;
  /** Why the expectation is what it is, where that is not obvious. */
  why?: string;
}

/** The hardened manifests drain for preStop (2 s) + SHUTDOWN_DELAY_MS (3 s): lags up to 5 s are covered. */
const LAG_ROWS: Array<{ lag: number; expected: Drops }> = [
  { lag: 0, expected: 'none' },
  { lag: 3, expected: 'none' },
  { lag: 6, expected: 'some' },
];

/**
 * Every scenario that removes a protection, with keep-alive on and off (a configuration change: on), plus the hardened manifests
 * under endpoint propagation lags that the drain does and does not cover. Broken-v2 faults are judged by
 * their own tests, not here.
 */
export function matrixRows(rate = 100): MatrixRow[] {
  const rows: MatrixRow[] = [];
  const fasterRates = new Set<number>();
  for (const scenario of SCENARIOS.filter((s) => s.protection !== 'fault')) {
    const rowRate = scenario.matrixRate ?? rate;
    if (rowRate !== rate) fasterRates.add(rowRate);
    for (const keepAlive of keepAliveModesOf(scenario)) {
      const holdsFor = keepAlive ? scenario.keepAliveExpectationHoldsFor : undefined;
      const why = [scenario.why, holdsFor?.otherwise].filter(Boolean).join('; ');
      rows.push({
        id: `${scenario.name}-keepalive-${keepAlive ? 'on' : 'off'}`,
        scenario: scenario.name,
        removes: scenario.removes,
        keepAlive,
        propagationLagS: 1,
        rate: rowRate,
        expected: keepAlive ? scenario.expectedDrops.keepAliveOn : scenario.expectedDrops.keepAliveOff,
        ...(scenario.expectedConfig ? { expectedConfig: scenario.expectedConfig } : {}),
        ...failingOf(scenario, keepAlive, 'expectedFailing'),
        load: holdsFor?.load ?? 'builtin',
        loadSpecific: holdsFor !== undefined,
        ...(why ? { why } : {}),
      });
    }
  }
  // A row that runs faster gets a hardened control at the same rate: the drops must be the scenario's.
  for (const fast of fasterRates) {
    rows.push({
      id: `hardened-${fast}rps`,
      scenario: 'hardened',
      removes: `nothing (control for the rows at ${fast} rps)`,
      keepAlive: true,
      propagationLagS: 1,
      rate: fast,
      expected: 'none',
      load: 'builtin',
      loadSpecific: false,
    });
  }
  for (const { lag, expected } of LAG_ROWS) {
    rows.push({
      id: `hardened-lag-${lag}s`,
      scenario: 'hardened',
      removes: `nothing; endpoint propagation lag ${lag} s (the drain covers 5 s)`,
      keepAlive: true,
      propagationLagS: lag,
      rate,
      expected,
      load: 'builtin',
      loadSpecific: false,
    });
  }
  return rows;
}
