import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  matchesExpectation,
  type ExpectationReportFields,
} from '../../../scripts/verdict/judgeExpectation.js';
import type { CheckId } from '../../../scripts/verdict/checks.js';

function report(failed: number, checks: Partial<Record<CheckId, boolean>>): ExpectationReportFields {
  const list = Object.entries(checks).map(([id, passed]) => ({ id: id as CheckId, passed }));
  return {
    verdict: list.every((c) => c.passed) ? 'pass' : 'fail',
    requests: { failed },
    rollout: { complete: true },
    checks: list,
  };
}

test('"0 dropped" matches a passing run only', () => {
  assert.equal(matchesExpectation({ drops: 'none' }, report(0, { 'no-failed-requests': true })), true);
  assert.equal(matchesExpectation({ drops: 'none' }, report(0, { 'load-delivered': false })), false);
});

test('"some dropped" needs failures under delivered load', () => {
  assert.equal(matchesExpectation({ drops: 'some' }, report(3, { 'no-failed-requests': false })), true);
  assert.equal(matchesExpectation({ drops: 'some' }, report(3, { 'load-delivered': false })), false);
  assert.equal(matchesExpectation({ drops: 'some' }, report(0, {})), false);
});

test('stale configuration matches only when the configuration check alone failed', () => {
  const stale = { drops: 'none', config: 'stale' } as const;
  assert.equal(
    matchesExpectation(stale, report(0, { 'new-config-served': false, 'rollout-completed': true })),
    true,
  );
  assert.equal(
    matchesExpectation(stale, report(0, { 'new-config-served': true })),
    false,
    'it was consistent',
  );
  assert.equal(
    matchesExpectation(stale, report(0, { 'new-config-served': false, 'load-delivered': false })),
    false,
    'a broken run is not the trap showing',
  );
});

test('consistent configuration needs the configuration check passed', () => {
  const consistent = { drops: 'none', config: 'consistent' } as const;
  assert.equal(matchesExpectation(consistent, report(0, { 'new-config-served': true })), true);
  assert.equal(matchesExpectation(consistent, report(0, { 'new-config-served': false })), false);
  assert.equal(
    matchesExpectation(consistent, report(0, {})),
    false,
    'a check that did not run is not a pass',
  );
});

test("a scenario's failure kind matches only when its check failed: streams cut with 0 dropped, ambiguous orders with drops", () => {
  const streamsCut = { drops: 'none', failing: ['streams-ended-cleanly'] } as const;
  assert.equal(
    matchesExpectation(streamsCut, report(0, { 'streams-ended-cleanly': false, 'rollout-completed': true })),
    true,
  );
  assert.equal(
    matchesExpectation(streamsCut, report(0, { 'streams-ended-cleanly': true })),
    false,
    'no stream was cut',
  );
  assert.equal(matchesExpectation(streamsCut, report(0, {})), false, 'the streams were never judged');
  assert.equal(
    matchesExpectation(streamsCut, report(0, { 'streams-ended-cleanly': false, 'load-delivered': false })),
    false,
    'another check failed too',
  );
  const ambiguous = { drops: 'some', failing: ['orders-none-ambiguous'] } as const;
  assert.equal(matchesExpectation(ambiguous, report(4, { 'orders-none-ambiguous': false })), true);
  assert.equal(
    matchesExpectation(ambiguous, report(4, { 'orders-none-ambiguous': true })),
    false,
    'drops, but no ambiguous order',
  );
});
