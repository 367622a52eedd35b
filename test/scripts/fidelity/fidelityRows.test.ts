import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fidelityRows } from '../../../scripts/fidelity/fidelityRows.js';
import { SCENARIOS } from '../../../scripts/scenarios/scenarios.js';

test('every scenario that removes a protection has a row with keep-alive on and one with it off', () => {
  const rows = fidelityRows();
  for (const scenario of SCENARIOS.filter((s) => !s.fault)) {
    const mine = rows.filter((row) => row.scenario === scenario.name && row.extraFlags.length === 0);
    assert.deepEqual(mine.map((row) => row.keepAlive).sort(), [false, true], scenario.name);
  }
});

test('a broken v2 that stalls is run with --on-fail rollback and expected to roll back without drops', () => {
  const rows = fidelityRows();
  for (const scenario of SCENARIOS.filter((s) => s.fault)) {
    const row = rows.find((r) => r.scenario === scenario.name)!;
    if (scenario.expectedOutcome === 'stalled') {
      assert.deepEqual(row.extraFlags, ['--on-fail', 'rollback']);
      assert.deepEqual(row.expected, { kind: 'stalled-rollback' });
    } else {
      assert.deepEqual(row.expected, { kind: 'drops', drops: 'none' });
    }
  }
});

test('a pod killed under load is a row of its own, on the hardened manifests', () => {
  const row = fidelityRows().find((r) => r.id === 'kill-pod')!;
  assert.equal(row.scenario, 'hardened');
  assert.deepEqual(row.extraFlags, ['--chaos', 'kill-pod']);
  assert.deepEqual(row.expected, { kind: 'chaos' });
});

test('row ids are unique, so each run has its own report folder', () => {
  const ids = fidelityRows().map((row) => row.id);
  assert.equal(new Set(ids).size, ids.length);
});
