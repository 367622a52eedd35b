import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fidelityRows } from '../../../scripts/fidelity/fidelityRows.js';
import { SCENARIOS } from '../../../scripts/scenarios/scenarios.js';

test('every scenario that removes a protection has a row with keep-alive on and one with it off; a configuration change, or a scenario that names its settings, only those', () => {
  const rows = fidelityRows();
  for (const scenario of SCENARIOS.filter((s) => s.protection !== 'fault')) {
    const mine = rows.filter(
      (row) =>
        row.scenario === scenario.name &&
        row.rate === (scenario.matrixRate ?? 100) &&
        row.extraFlags.length === 0,
    );
    const expected = [
      ...(scenario.keepAliveModes ?? (scenario.change === 'code' ? [true, false] : [true])),
    ].sort();
    assert.deepEqual(mine.map((row) => row.keepAlive).sort(), expected, scenario.name);
  }
});

test('the stream and order controls expect their own failure kind, with no request dropped by the streams', () => {
  const expectedOf = (scenario: string) =>
    fidelityRows()
      .filter((row) => row.scenario === scenario)
      .map((row) => [row.keepAlive, row.expected]);
  assert.deepEqual(expectedOf('orders-cut-in-drain'), [
    [true, { kind: 'drops', drops: 'some', failing: ['orders-none-ambiguous'] }],
  ]);
  assert.deepEqual(expectedOf('no-stream-drain'), [
    [true, { kind: 'drops', drops: 'none', failing: ['streams-ended-cleanly'] }],
    [false, { kind: 'drops', drops: 'none', failing: ['streams-ended-cleanly'] }],
  ]);
});

test('the configuration rows expect what their scenario says of the configuration', () => {
  const rows = fidelityRows();
  assert.deepEqual(rows.find((r) => r.scenario === 'config-hashed')?.expected, {
    kind: 'drops',
    drops: 'none',
    config: 'consistent',
  });
  assert.deepEqual(rows.find((r) => r.scenario === 'config-in-place-env')?.expected, {
    kind: 'drops',
    drops: 'none',
    config: 'stale',
  });
  assert.deepEqual(rows.find((r) => r.scenario === 'config-shared-breaking')?.expected, {
    kind: 'drops',
    drops: 'some',
  });
});

test('a broken v2 that stalls is run with --on-fail rollback and expected to roll back without drops', () => {
  const rows = fidelityRows();
  for (const scenario of SCENARIOS.filter((s) => s.protection === 'fault')) {
    const row = rows.find((r) => r.scenario === scenario.name)!;
    if (scenario.expectedOutcome === 'stalled') {
      assert.deepEqual(row.extraFlags, ['--on-fail', 'rollback']);
      assert.deepEqual(row.expected, { kind: 'stalled-rollback' });
    } else {
      assert.deepEqual(row.expected, { kind: 'drops', drops: 'none' });
    }
  }
});

test('a row that runs at a higher rate has a hardened control at the same rate', () => {
  const rows = fidelityRows(100);
  const fast = rows.filter((r) => r.rate !== 100);
  assert.ok(fast.length > 0, 'some scenario runs faster');
  for (const row of fast)
    assert.ok(
      rows.some(
        (r) =>
          r.scenario === 'hardened' &&
          r.rate === row.rate &&
          r.keepAlive &&
          r.extraFlags.length === 0 &&
          r.expected.kind === 'drops' &&
          r.expected.drops === 'none',
      ),
      row.id,
    );
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
