import { SCENARIOS, type Drops } from '../scenarios/scenarios.js';

/** One row of the matrix: a scenario under one load shape, and what it should show. */
export interface MatrixRow {
  id: string;
  scenario: string;
  removes: string;
  keepAlive: boolean;
  propagationLagS: number;
  expected: Drops;
}

/** The hardened manifests drain for preStop (2 s) + SHUTDOWN_DELAY_MS (3 s): lags up to 5 s are covered. */
const LAG_ROWS: Array<{ lag: number; expected: Drops }> = [
  { lag: 0, expected: 'none' },
  { lag: 3, expected: 'none' },
  { lag: 6, expected: 'some' },
];

/**
 * Every scenario that removes a protection, with keep-alive on and off, plus the hardened manifests
 * under endpoint propagation lags that the drain does and does not cover. Broken-v2 faults are judged by
 * their own tests, not here.
 */
export function matrixRows(): MatrixRow[] {
  const rows: MatrixRow[] = [];
  for (const scenario of SCENARIOS.filter((s) => !s.fault)) {
    for (const keepAlive of [true, false]) {
      rows.push({
        id: `${scenario.name}-keepalive-${keepAlive ? 'on' : 'off'}`,
        scenario: scenario.name,
        removes: scenario.removes,
        keepAlive,
        propagationLagS: 1,
        expected: keepAlive ? scenario.expectedDrops.keepAliveOn : scenario.expectedDrops.keepAliveOff,
      });
    }
  }
  for (const { lag, expected } of LAG_ROWS) {
    rows.push({
      id: `hardened-lag-${lag}s`,
      scenario: 'hardened',
      removes: `nothing; endpoint propagation lag ${lag} s (drain covers 5 s)`,
      keepAlive: true,
      propagationLagS: lag,
      expected,
    });
  }
  return rows;
}
