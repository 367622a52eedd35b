import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RunRecord } from '../../../scripts/model.js';
import { judgeRun } from '../../../scripts/verdict/judgeRun.js';
import { buildRunRecord, T0 } from '../../fixtures/buildRunRecord.js';

const failedChecks = (run: RunRecord): string[] =>
  judgeRun(run)
    .checks.filter((c) => c.passed === false)
    .map((c) => c.name);

/** Keeps only the samples scheduled inside [from, to] (epoch ms), as if the load had run only then. */
function loadOnly(run: RunRecord, from: number, to: number): RunRecord {
  return {
    ...run,
    samples: run.samples.filter((s) => s.scheduledAt >= from && s.scheduledAt <= to),
    load: { ...run.load, startedAt: from, endedAt: to },
  };
}

test('passes a clean run whose load covered the whole rollout', () => {
  const verdict = judgeRun(buildRunRecord());
  assert.equal(verdict.verdict, 'pass');
  assert.equal(verdict.pass, true);
  assert.deepEqual(verdict.reasons, []);
  assert.ok(verdict.checks.every((c) => c.passed === true));
});

test('fails with one dropped request and names its error', () => {
  const verdict = judgeRun(buildRunRecord({ failures: [{ atMs: 15_000, error: 'ECONNRESET' }] }));
  assert.equal(verdict.verdict, 'fail');
  assert.equal(verdict.pass, false);
  assert.deepEqual(failedChecks(buildRunRecord({ failures: [{ atMs: 15_000, error: 'ECONNRESET' }] })), [
    'no failed requests',
  ]);
  assert.equal(verdict.reasons.length, 1);
  assert.match(verdict.reasons[0]!, /^1 of 4000 requests failed \(ECONNRESET ×1\)\.$/);
});

test('counts an HTTP error status as a failure named after the status', () => {
  const verdict = judgeRun(
    buildRunRecord({ failures: [{ atMs: 12_000, error: null, status: 503, version: '1' }] }),
  );
  assert.equal(verdict.pass, false);
  assert.match(verdict.reasons.join(' '), /http_503 ×1/);
});

test('fails when v2 never answered', () => {
  const run = buildRunRecord();
  for (const s of run.samples) if (s.version === '2') s.version = '1';
  const verdict = judgeRun(run);
  assert.equal(verdict.verdict, 'fail');
  assert.deepEqual(failedChecks(run), ['both versions answered']);
  assert.match(verdict.reasons[0]!, /^Version 2 never answered a request successfully\.$/);
});

test('fails when the rollout stalled, even with zero failed requests', () => {
  const run = buildRunRecord({ v2NeverReady: true });
  assert.equal(run.samples.filter((s) => s.error !== null).length, 0);
  const verdict = judgeRun(run);
  assert.equal(verdict.verdict, 'fail');
  assert.ok(failedChecks(run).includes('rollout completed'));
  assert.ok(verdict.reasons.includes('The rollout did not complete (outcome: stalled).'));
});

test('fails when the load started after the rollout', () => {
  const run = loadOnly(buildRunRecord(), T0 + 12_000, T0 + 40_000);
  assert.deepEqual(failedChecks(run), ['load started before the rollout']);
  assert.match(judgeRun(run).reasons.join(' '), /load started 2\.0 s after the rollout started/i);
});

test('fails when the load ended before the rollout completed', () => {
  const built = buildRunRecord();
  const run = loadOnly(built, T0, built.rollout.completedAt! - 1000);
  assert.deepEqual(failedChecks(run), ['load ran past rollout completion']);
  assert.match(judgeRun(run).reasons.join(' '), /ended 1\.0 s before the rollout completed/);
});

test('fails when the load window encloses the rollout but no request was sent after completion', () => {
  const built = buildRunRecord();
  const run = { ...built, samples: built.samples.filter((s) => s.scheduledAt <= built.rollout.completedAt!) };
  assert.ok(failedChecks(run).includes('load ran past rollout completion'));
});

test('fails as "load not delivered" when the achieved rate is below 99% of the requested rate', () => {
  const built = buildRunRecord();
  const run = { ...built, samples: built.samples.filter((_, i) => i % 50 !== 7) }; // 98 rps of 100
  assert.deepEqual(failedChecks(run), ['load delivered']);
  assert.match(judgeRun(run).reasons.join(' '), /^Load not delivered: 98\.0 rps achieved of 100 requested/);
});

test('passes at exactly 99% of the requested rate', () => {
  const built = buildRunRecord();
  const run = { ...built, samples: built.samples.filter((_, i) => i % 100 !== 7) }; // 99 rps of 100
  assert.equal(judgeRun(run).verdict, 'pass');
});

/**
 * The run as k6 records it when stopped by SIGINT: every request still in flight at the stop left no
 * sample (here v2's 1 s answers: the last second of requests).
 */
function losingTail(run: RunRecord, requestTimeoutMs = 10_000): RunRecord {
  const stop = run.load.endedAt!;
  return {
    ...run,
    samples: run.samples.filter((s) => s.scheduledAt + s.latencyMs <= stop),
    load: { ...run.load, inFlightAtStop: 'lost', requestTimeoutMs },
  };
}

test('judges a generator that loses its requests in flight at the stop on the window it recorded', () => {
  const run = losingTail(buildRunRecord());
  assert.ok(run.samples.length <= 3910, `${run.samples.length} of 4000 recorded`);
  // The same samples from a generator that waited for its requests would be load not delivered.
  assert.deepEqual(failedChecks({ ...run, load: { ...run.load, inFlightAtStop: 'settled' } }), [
    'load delivered',
  ]);
  const verdict = judgeRun(run);
  assert.equal(verdict.verdict, 'pass', verdict.reasons.join(' '));
  const delivered = verdict.checks.find((c) => c.name === 'load delivered')!;
  assert.match(
    delivered.detail,
    /^100\.0 rps achieved of 100 requested \(100\.0%\), over the window up to 2\.\d s before the stop \(the load tool records nothing for requests in flight when it is stopped\)$/,
  );
});

test('ends the judged window no earlier than the request timeout before the stop', () => {
  // A 0.5 s timeout: no request could have been in flight longer, so the window ends 0.5 s before the
  // stop; the 1 s answers lost before that count as not delivered.
  const run = losingTail(buildRunRecord(), 500);
  const verdict = judgeRun(run);
  assert.deepEqual(failedChecks(run), ['load delivered']);
  assert.match(verdict.reasons.join(' '), /^Load not delivered: 98\.7 rps achieved of 100 requested/);
});

test('does not take a lost tail as coverage: the judged window must reach past the rollout completion', () => {
  const built = buildRunRecord();
  const run = losingTail(loadOnly(built, T0, built.rollout.completedAt! + 1000));
  assert.deepEqual(failedChecks(run), ['load ran past rollout completion']);
  assert.match(
    judgeRun(run).reasons.join(' '),
    /^The load was judged until 1\.\d s before the rollout completed \(2\.\d s before it stopped: the load tool records nothing for requests in flight when it is stopped\), so its end was not measured\.$/,
  );
});

test('fails when no request was recorded at all', () => {
  const run = { ...buildRunRecord(), samples: [] };
  const verdict = judgeRun(run);
  assert.equal(verdict.pass, false);
  assert.ok(verdict.reasons.includes('No requests were recorded.'));
});

test('never passes an interrupted run, however clean', () => {
  const verdict = judgeRun(buildRunRecord({ interrupted: true }));
  assert.equal(verdict.verdict, 'incomplete');
  assert.equal(verdict.pass, false);
  assert.ok(verdict.reasons.some((r) => /interrupted/.test(r)));
});

test('judges only the rollout when an outside tool made the load, and says the requests were not measured', () => {
  const built = buildRunRecord();
  const run: RunRecord = {
    ...built,
    samples: [],
    load: { ...built.load, generator: 'none', startedAt: null, endedAt: null },
  };
  const verdict = judgeRun(run);
  assert.equal(verdict.verdict, 'rollout-only');
  assert.equal(verdict.pass, false);
  assert.equal(verdict.checks.find((c) => c.name === 'no failed requests')?.passed, null);
  assert.equal(verdict.checks.find((c) => c.name === 'rollout completed')?.passed, true);
  assert.match(verdict.reasons.join(' '), /not measured by this harness/);
});

test('fails a stalled rollout under an outside tool too', () => {
  const built = buildRunRecord({ v2NeverReady: true });
  const run: RunRecord = { ...built, samples: [], load: { ...built.load, generator: 'none' } };
  assert.equal(judgeRun(run).verdict, 'fail');
});

test("fails a run whose load tool says its own run went wrong, and gives the tool's words as the reason", () => {
  const run = buildRunRecord();
  const verdict = judgeRun({ ...run, load: { ...run.load, problem: 'k6 exited 107 before it was stopped' } });
  assert.equal(verdict.verdict, 'fail');
  assert.deepEqual(verdict.reasons, ['The load tool: k6 exited 107 before it was stopped.']);
  assert.equal(verdict.checks.find((c) => c.id === 'load-tool-ran')?.passed, false);
});
