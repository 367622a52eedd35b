import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeVegeta, type VegetaReport } from '../../../bench/lib/vegeta.js';

const report = (over: Partial<VegetaReport>): VegetaReport => ({
  requests: 5000,
  duration: 5e9,
  wait: 1e6,
  status_codes: { '200': 5000 },
  errors: [],
  latencies: { '50th': 1e6, '99th': 3e6 },
  ...over,
});
const cpu = { cpuMs: 500, wallMs: 5000 };

test('a vegeta attack that sent and answered the whole schedule without errors is sustained', () => {
  const step = judgeVegeta(report({}), 1000, 5, 0.99, cpu);
  assert.equal(step.sustained, true);
  assert.equal(step.achievedRate, 999.8);
  assert.equal(step.p99Ms, 3);
  assert.equal(step.generatorCpuPct, 10);
});

test('vegeta falling behind (fewer sent than scheduled) is not sustained, even with every answer a 200', () => {
  const step = judgeVegeta(report({ requests: 4000, status_codes: { '200': 4000 } }), 1000, 5, 0.99, cpu);
  assert.equal(step.sustained, false);
  assert.match(step.reason ?? '', /sent 4000 of 5000/);
});

test('errors (status 0: no answer) and non-200 answers are counted by kind and fail the step', () => {
  const step = judgeVegeta(
    report({ status_codes: { '200': 4990, '0': 7, '503': 3 }, errors: ['dial tcp: connection refused'] }),
    1000,
    5,
    0.99,
    cpu,
  );
  assert.equal(step.sustained, false);
  assert.deepEqual(step.byError, { error: 7, http_503: 3 });
  assert.equal(step.errors, 10);
});
