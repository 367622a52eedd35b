import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { MatrixRow } from '../../../scripts/matrix/matrixRows.js';
import { judgeAgainstExpectation } from '../../../scripts/matrix/runMatrix.js';

const row = (expected: 'none' | 'some'): MatrixRow => ({
  id: 'x',
  scenario: 'x',
  removes: 'x',
  keepAlive: true,
  propagationLagS: 1,
  rate: 100,
  expected,
});

function report(
  failed: number,
  { verdict = failed === 0 ? 'pass' : 'fail', complete = true, delivered = true } = {},
) {
  return {
    verdict,
    requests: {
      total: 1000,
      failed,
      byError: (failed ? { ECONNRESET: failed } : {}) as Record<string, number>,
    },
    rollout: { complete },
    checks: [{ name: 'load delivered', passed: delivered }],
  };
}

test('a row expecting no drops matches only a run that passed outright', () => {
  assert.equal(judgeAgainstExpectation(row('none'), report(0)), true);
  assert.equal(judgeAgainstExpectation(row('none'), report(1)), false);
  assert.equal(judgeAgainstExpectation(row('none'), report(0, { verdict: 'fail', complete: false })), false);
});

test('a row expecting drops matches only drops in a rollout that completed under delivered load', () => {
  assert.equal(judgeAgainstExpectation(row('some'), report(12)), true);
  assert.equal(judgeAgainstExpectation(row('some'), report(0)), false);
  assert.equal(
    judgeAgainstExpectation(row('some'), report(12, { complete: false })),
    false,
    'a broken run proves nothing',
  );
  assert.equal(judgeAgainstExpectation(row('some'), report(12, { delivered: false })), false);
});
