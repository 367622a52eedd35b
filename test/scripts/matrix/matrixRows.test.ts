import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixRows } from '../../../scripts/matrix/matrixRows.js';
import { keepsEveryProtection, SCENARIOS } from '../../../scripts/scenarios/scenarios.js';

test('runs every scenario that removes a protection with keep-alive on and off, a configuration change (or a scenario that names its settings) as it says', () => {
  const rows = matrixRows();
  for (const scenario of SCENARIOS.filter((s) => s.protection !== 'fault')) {
    const keepAlives = scenario.keepAliveModes ?? (scenario.change === 'code' ? [true, false] : [true]);
    assert.equal(
      rows.filter((r) => r.scenario === scenario.name && r.propagationLagS === 1).length >= keepAlives.length,
      true,
    );
    for (const keepAlive of keepAlives) {
      assert.ok(
        rows.some(
          (r) => r.scenario === scenario.name && r.keepAlive === keepAlive && r.propagationLagS === 1,
        ),
        `${scenario.name} ${keepAlive}`,
      );
    }
  }
  assert.ok(
    !rows.some((r) => SCENARIOS.find((s) => s.name === r.scenario)?.protection === 'fault'),
    'broken-v2 faults are judged by their own tests',
  );
});

test('a row that runs at a higher rate has a hardened control at the same rate', () => {
  const rows = matrixRows(100);
  for (const fast of rows.filter((r) => r.rate !== 100)) {
    assert.ok(
      rows.some((r) => r.scenario === 'hardened' && r.rate === fast.rate && r.expected === 'none'),
      fast.id,
    );
  }
});

test('the hardened manifests are expected to hold for lags the drain covers, and to drop past it', () => {
  const lagRows = matrixRows().filter((r) => r.id.startsWith('hardened-lag-'));
  assert.deepEqual(
    lagRows.map((r) => [r.propagationLagS, r.expected]),
    [
      [0, 'none'],
      [3, 'none'],
      [6, 'some'],
    ],
  );
});

test('row ids are unique, and every expectation that is not "drops" or "holds" by the obvious reason says why', () => {
  const rows = matrixRows();
  assert.equal(new Set(rows.map((r) => r.id)).size, rows.length);
  const hardened = SCENARIOS.filter(keepsEveryProtection).map((s) => s.name);
  for (const row of rows.filter((r) => !hardened.includes(r.scenario) && r.expected === 'none')) {
    assert.ok(row.why, `${row.id} expects no drops without saying why`);
  }
});

test("expects no-connection-close's keep-alive drops from the built-in generator only, and says why k6 sees fewer", () => {
  const rows = matrixRows();
  const row = rows.find((r) => r.id === 'no-connection-close-keepalive-on')!;
  assert.equal(row.expected, 'some');
  assert.equal(row.load, 'builtin');
  assert.equal(row.loadSpecific, true);
  assert.match(row.why ?? '', /k6 \(Go's net\/http\) silently sends a GET again .* fewer drops, often none/);
  assert.deepEqual(
    rows.filter((r) => r.loadSpecific).map((r) => r.id),
    ['no-connection-close-keepalive-on'],
    'with keep-alive off nothing is reused, so nothing is retried',
  );
  assert.ok(rows.every((r) => r.load === 'builtin'));
});

test('the stream and order controls expect their failure kind: streams cut in both settings, ambiguous orders with keep-alive on only', () => {
  const rows = matrixRows().filter((r) => ['no-stream-drain', 'orders-cut-in-drain'].includes(r.scenario));
  assert.deepEqual(
    rows.map((r) => [r.id, r.expected, r.expectedFailing]),
    [
      ['no-stream-drain-keepalive-on', 'none', ['streams-ended-cleanly']],
      ['no-stream-drain-keepalive-off', 'none', ['streams-ended-cleanly']],
      ['orders-cut-in-drain-keepalive-on', 'some', ['orders-none-ambiguous']],
    ],
  );
});
