import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord, StreamSample } from '../../../scripts/model.js';
import { judgeRun } from '../../../scripts/verdict/judgeRun.js';
import { buildRunRecord, T0 } from '../../fixtures/buildRunRecord.js';

const check = (run: RunRecord, id: string) => judgeRun(run).checks.find((c) => c.id === id);

function stream(client: number, end: string, reconnectGapMs: number | null = null): StreamSample {
  return {
    client,
    openedAt: T0,
    firstEventAt: T0 + 10,
    endedAt: T0 + 20_000,
    eventTimes: [T0 + 10, T0 + 1010],
    version: '1',
    pod: 'hello-v1-1',
    end,
    reconnectGapMs,
  };
}

/** Every fifth request a POST with its id; `processed` the pods' record of them (default: each once). */
function withOrders(run: RunRecord, processed?: (ids: string[]) => string[]): RunRecord {
  run.samples.forEach((s, i) => {
    if (i % 5 !== 4) return;
    s.kind = 'post';
    s.orderId = `o-${i}`;
    if (s.error === null) s.status = 201;
  });
  const ids = run.samples.filter((s) => s.kind === 'post' && s.error === null).map((s) => s.orderId!);
  run.processedOrders = processed ? processed(ids) : ids;
  return run;
}

test('a run whose streams all ended by the final event, and whose orders were each processed once, passes', () => {
  const run = withOrders(buildRunRecord());
  run.streams = [stream(0, 'reconnect'), stream(0, 'stopped', 1040), stream(1, 'stopped')];
  const verdict = judgeRun(run);
  assert.equal(verdict.verdict, 'pass', verdict.reasons.join(' '));
  assert.match(
    check(run, 'streams-ended-cleanly')!.detail,
    /^3 streams: 1 ended by the server's final event, 0 cut, 2 open at the stop; reconnect gap p99 1\.0 s$/,
  );
  assert.match(check(run, 'orders-none-lost')!.detail, /^0 of 800 orders/);
});

test('a cut stream fails the run, naming how it ended', () => {
  const run = buildRunRecord();
  run.streams = [stream(0, 'ECONNRESET'), stream(1, 'reconnect'), stream(1, 'closed')];
  const verdict = judgeRun(run);
  assert.equal(verdict.verdict, 'fail');
  assert.deepEqual(verdict.reasons, [
    '2 of 3 streams were cut rather than ended by the server (ECONNRESET ×1, closed ×1).',
  ]);
});

test('an order the client saw fail is lost when no pod processed it, and ambiguous when one did', () => {
  const failures = [
    { atMs: 12_040, error: 'ECONNRESET' },
    { atMs: 13_040, error: 'ECONNRESET' },
  ];
  const lost = withOrders(buildRunRecord({ failures }));
  assert.equal(lost.samples.filter((s) => s.kind === 'post' && s.error !== null).length, 2);
  assert.equal(check(lost, 'orders-none-lost')!.passed, false);
  assert.equal(check(lost, 'orders-none-ambiguous')!.passed, true);

  const ambiguous = withOrders(buildRunRecord({ failures }), (ids) => [
    ...ids,
    ...lost.samples.filter((s) => s.kind === 'post' && s.error !== null).map((s) => s.orderId!),
  ]);
  assert.equal(check(ambiguous, 'orders-none-lost')!.passed, true);
  assert.equal(check(ambiguous, 'orders-none-ambiguous')!.passed, false);
  assert.match(
    judgeRun(ambiguous).reasons.join(' '),
    /2 of 800 orders are ambiguous: .*a retry would process them twice/,
  );
});

test('an order processed twice fails the run; a 201 the logs do not know fails it too', () => {
  const twice = withOrders(buildRunRecord(), (ids) => [...ids, ids[0]!]);
  assert.deepEqual(
    judgeRun(twice)
      .checks.filter((c) => c.passed === false)
      .map((c) => c.id),
    ['orders-none-duplicated'],
  );
  const unrecorded = withOrders(buildRunRecord(), (ids) => ids.slice(1));
  assert.deepEqual(
    judgeRun(unrecorded)
      .checks.filter((c) => c.passed === false)
      .map((c) => c.id),
    ['orders-all-recorded'],
  );
});

test('POSTs with no record of the pods are not judged, and say so; a run of GETs only has no order checks', () => {
  const run = withOrders(buildRunRecord());
  delete run.processedOrders;
  assert.deepEqual(check(run, 'orders-none-lost'), {
    id: 'orders-none-lost',
    name: 'no order lost',
    passed: null,
    detail: "not judged: this target does not read its pods' logs, so no order could be joined",
  });
  const gets = buildRunRecord();
  assert.ok(!judgeRun(gets).checks.some((c) => c.id.startsWith('orders-') || c.id.startsWith('streams-')));
});
