import assert from 'node:assert/strict';
import { test } from 'node:test';
import { judgeFidelityRun, type FidelityReportFields } from '../../../scripts/fidelity/judgeFidelityRun.js';

function report(overrides: Partial<FidelityReportFields> = {}): FidelityReportFields {
  return {
    verdict: 'pass',
    requests: { total: 2000, failed: 0, byError: {} },
    rollout: { complete: true, outcome: 'complete' },
    checks: [{ id: 'load-delivered' as const, passed: true }],
    ...overrides,
  };
}
const failing = (failed: number) => ({ total: 2000, failed, byError: { ECONNREFUSED: failed } });

test('"0 dropped" holds only for a run that passed with nothing failed', () => {
  assert.equal(judgeFidelityRun({ kind: 'drops', drops: 'none' }, report()), true);
  assert.equal(
    judgeFidelityRun({ kind: 'drops', drops: 'none' }, report({ verdict: 'fail', requests: failing(1) })),
    false,
  );
});

test('"some dropped" needs drops in a rollout that completed under delivered load', () => {
  const some = { kind: 'drops', drops: 'some' } as const;
  assert.equal(judgeFidelityRun(some, report({ verdict: 'fail', requests: failing(5) })), true);
  assert.equal(judgeFidelityRun(some, report()), false, 'nothing dropped');
  assert.equal(
    judgeFidelityRun(
      some,
      report({ verdict: 'fail', requests: failing(5), rollout: { complete: false, outcome: 'stalled' } }),
    ),
    false,
    'drops from a broken run are not the scenario showing',
  );
  assert.equal(
    judgeFidelityRun(
      some,
      report({
        verdict: 'fail',
        requests: failing(5),
        checks: [{ id: 'load-delivered' as const, passed: false }],
      }),
    ),
    false,
  );
});

test('a stalled rollout is as expected only if the rollback completed and nothing dropped', () => {
  const stalled = { complete: false, outcome: 'stalled', rollback: { outcome: 'complete' } };
  assert.equal(
    judgeFidelityRun({ kind: 'stalled-rollback' }, report({ verdict: 'fail', rollout: stalled })),
    true,
  );
  assert.equal(
    judgeFidelityRun(
      { kind: 'stalled-rollback' },
      report({ verdict: 'fail', rollout: { ...stalled, rollback: { outcome: 'stalled' } } }),
    ),
    false,
  );
  assert.equal(
    judgeFidelityRun(
      { kind: 'stalled-rollback' },
      report({ verdict: 'fail', rollout: stalled, requests: failing(1) }),
    ),
    false,
  );
  assert.equal(judgeFidelityRun({ kind: 'stalled-rollback' }, report()), false, 'a rollout that completed');
});

test('a killed pod is as expected when every failure falls within 5 s after the kill', () => {
  const chaos = { kind: 'chaos' } as const;
  assert.equal(
    judgeFidelityRun(
      chaos,
      report({ verdict: 'fail', requests: failing(3), incidents: [{ failedWithin5s: 3 }] }),
    ),
    true,
  );
  assert.equal(
    judgeFidelityRun(chaos, report({ incidents: [{ failedWithin5s: 0 }] })),
    true,
    'or none failed',
  );
  assert.equal(
    judgeFidelityRun(
      chaos,
      report({ verdict: 'fail', requests: failing(4), incidents: [{ failedWithin5s: 3 }] }),
    ),
    false,
    'one failure elsewhere',
  );
  assert.equal(judgeFidelityRun(chaos, report()), false, 'no pod was killed');
});
