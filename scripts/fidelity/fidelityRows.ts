import { failingOf, keepAliveModesOf, SCENARIOS } from '../scenarios/scenarios.js';
import type { CheckId } from '../verdict/checks.js';

/**
 * What a fidelity row should show, on either target:
 * - drops none|some: the rollout completes, and requests were (or were not) dropped;
 * - stalled-rollback: the rollout stalls, `--on-fail rollback` brings v1 back, nothing is dropped;
 * - chaos: the rollout completes, and every failure falls within 5 s after the pod was killed.
 */
export type FidelityExpectation =
  | { kind: 'drops'; drops: 'none' | 'some'; config?: 'consistent' | 'stale'; failing?: CheckId[] }
  | { kind: 'stalled-rollback' }
  | { kind: 'chaos' };

/** One scenario under one load shape, run on the local target and on the real cluster with the same flags. */
export interface FidelityRow {
  id: string;
  scenario: string;
  keepAlive: boolean;
  rate: number;
  /** Flags beyond scenario, keep-alive and rate (--on-fail, --chaos). */
  extraFlags: string[];
  expected: FidelityExpectation;
  /** Why the expectation is what it is, where that is not obvious. */
  why?: string;
}

/**
 * Every scenario that removes a protection and the hardened manifests, with keep-alive on and off; each
 * broken v2 release with its outcome; and a pod killed under load. Derived from the scenario registry, so a
 * new scenario gets its rows here without a second list.
 */
export function fidelityRows(rate = 100): FidelityRow[] {
  const rows: FidelityRow[] = [];
  for (const scenario of SCENARIOS) {
    if (scenario.protection === 'fault') {
      rows.push({
        id: scenario.name,
        scenario: scenario.name,
        keepAlive: true,
        rate,
        extraFlags: scenario.expectedOutcome === 'stalled' ? ['--on-fail', 'rollback'] : [],
        expected:
          scenario.expectedOutcome === 'stalled'
            ? { kind: 'stalled-rollback' }
            : { kind: 'drops', drops: 'none' },
      });
      continue;
    }
    for (const keepAlive of keepAliveModesOf(scenario)) {
      rows.push({
        id: `${scenario.name}-keepalive-${keepAlive ? 'on' : 'off'}`,
        scenario: scenario.name,
        keepAlive,
        rate: scenario.matrixRate ?? rate,
        extraFlags: [],
        expected: {
          kind: 'drops',
          drops: keepAlive ? scenario.expectedDrops.keepAliveOn : scenario.expectedDrops.keepAliveOff,
          ...(scenario.expectedConfig ? { config: scenario.expectedConfig } : {}),
          ...failingOf(scenario, keepAlive, 'failing'),
        },
        ...(scenario.why ? { why: scenario.why } : {}),
      });
    }
  }
  // A row that runs faster gets a hardened control at the same rate: the drops must be the scenario's.
  for (const fast of new Set(rows.map((row) => row.rate).filter((rowRate) => rowRate !== rate))) {
    rows.push({
      id: `hardened-${fast}rps`,
      scenario: 'hardened',
      keepAlive: true,
      rate: fast,
      extraFlags: [],
      expected: { kind: 'drops', drops: 'none' },
      why: `the control for the rows at ${fast} rps`,
    });
  }
  rows.push({
    id: 'kill-pod',
    scenario: 'hardened',
    keepAlive: true,
    rate,
    extraFlags: ['--chaos', 'kill-pod'],
    expected: { kind: 'chaos' },
    why: 'a pod lost without warning: only requests around it may fail, and the Deployment replaces it',
  });
  return rows;
}

export function describeExpectation(expected: FidelityExpectation): string {
  if (expected.kind === 'drops') {
    const config = { consistent: ', new config only', stale: ', old config served on' };
    return `${expected.drops === 'none' ? '0 dropped' : 'some dropped'}${expected.config ? config[expected.config] : ''}`;
  }
  if (expected.kind === 'stalled-rollback') return 'stalls, rolls back, 0 dropped';
  return 'failures only around the killed pod';
}
