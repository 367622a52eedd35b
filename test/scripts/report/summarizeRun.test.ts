import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isFailed, type RunRecord } from '../../../scripts/model.js';
import { renderMarkdown } from '../../../scripts/report/renderMarkdown.js';
import { summarizeRun } from '../../../scripts/report/summarizeRun.js';
import { buildRunRecord, T0 } from '../../fixtures/buildRunRecord.js';

const failures = [
  { atMs: 12_000, error: 'ECONNREFUSED' },
  { atMs: 12_550, error: 'ECONNRESET', pod: 'hello-v1-1', version: '1' },
  { atMs: 20_000, error: null, status: 503, pod: 'hello-v2-3', version: '2' },
];

test('counts requests, answers by version and failures by error kind', () => {
  const run = buildRunRecord({ failures });
  const { requests } = summarizeRun(run);
  assert.equal(requests.total, 4000);
  assert.equal(requests.failed, 3);
  assert.equal(requests.ok, 3997);
  assert.deepEqual(requests.byError, { ECONNREFUSED: 1, ECONNRESET: 1, http_503: 1 });
  const okFrom = (v: string): number => run.samples.filter((s) => !isFailed(s) && s.version === v).length;
  assert.deepEqual(requests.byVersion, { '1': okFrom('1'), '2': okFrom('2') });
  assert.ok(okFrom('1') > 1000 && okFrom('2') > 1000);
});

test('reports nearest-rank latency percentiles over all samples', () => {
  const base = buildRunRecord();
  // Latencies 1..200 ms in scrambled order: nearest rank gives p50 = 100, p95 = 190, p99 = 198.
  const samples = Array.from({ length: 200 }, (_, i) => {
    const latencyMs = ((i * 73) % 200) + 1;
    const scheduledAt = T0 + i * 200;
    return {
      ...base.samples[0]!,
      scheduledAt,
      startedAt: scheduledAt,
      endedAt: scheduledAt + latencyMs,
      latencyMs,
    };
  });
  const { latencyMs } = summarizeRun({ ...base, samples });
  assert.deepEqual(latencyMs, { p50: 100, p95: 190, p99: 198 });
});

test('has null percentiles and an empty series when no request was measured', () => {
  const base = buildRunRecord();
  const report = summarizeRun({
    ...base,
    samples: [],
    load: { ...base.load, generator: 'none', startedAt: null, endedAt: null },
  });
  assert.deepEqual(report.latencyMs, { p50: null, p95: null, p99: null });
  assert.equal(report.timeseries.second.length, 0);
  assert.equal(report.verdict, 'rollout-only');
  assert.equal(report.timeOriginIs, 'rollout start');
});

test('shows how long the load covered the rollout on each side', () => {
  const report = summarizeRun(buildRunRecord());
  assert.deepEqual(report.coverage, {
    loadBeforeRolloutMs: 10_000,
    loadAfterRolloutMs: 22_000,
    requestsBeforeRollout: 1000,
    requestsAfterRollout: 2199,
  });
  assert.equal(report.rollout.durationMs, 8000);
  assert.equal(report.rollout.complete, true);
  assert.equal(report.rollout.startedAt, new Date(T0 + 10_000).toISOString());
  assert.equal(report.rollout.startedOffsetMs, 10_000);
  assert.equal(report.load.achievedRate, 100);
  assert.equal(report.load.durationMs, 40_000);
});

test('shows a judged window that ends before the load stopped when the load tool lost its tail', () => {
  const built = buildRunRecord();
  const stop = built.load.endedAt!;
  // As k6 records a SIGINT stop: no sample for the requests in flight then (v2 answers in 1 s).
  const run: RunRecord = {
    ...built,
    samples: built.samples.filter((s) => s.scheduledAt + s.latencyMs <= stop),
    load: { ...built.load, inFlightAtStop: 'lost', requestTimeoutMs: 10_000 },
  };
  const longest = Math.max(...run.samples.map((s) => s.latencyMs));
  const report = summarizeRun(run);
  assert.equal(report.verdict, 'pass', report.reasons.join(' '));
  assert.equal(report.load.tailCutMs, Math.round(longest));
  assert.equal(report.load.judgedUntil, new Date(stop - longest).toISOString());
  assert.equal(report.load.endedAt, new Date(stop).toISOString());
  assert.equal(report.load.achievedRate, 100);
  assert.equal(report.coverage.loadAfterRolloutMs, Math.round(stop - longest - built.rollout.completedAt!));
  assert.match(
    renderMarkdown(report),
    /\| Judged window \| up to 2\.\d s before the load stopped \(\S+\): the load tool records nothing for requests in flight when it is stopped, so delivery and coverage count only up to there \|/,
  );
  const plain = summarizeRun(built);
  assert.deepEqual([plain.load.tailCutMs, plain.load.judgedUntil], [0, plain.load.endedAt]);
  assert.doesNotMatch(renderMarkdown(plain), /Judged window/);
});

test('lists every pod with its created, ready, terminating and exited times', () => {
  const report = summarizeRun(buildRunRecord());
  assert.deepEqual(
    report.pods.map((p) => p.name),
    ['hello-v1-1', 'hello-v1-2', 'hello-v1-3', 'hello-v2-1', 'hello-v2-2', 'hello-v2-3'],
  );
  const v11 = report.pods[0]!;
  assert.deepEqual(v11.offsetsMs, { created: -7900, ready: -5900, terminating: 12_500, exited: 17_500 });
  assert.equal(v11.exited, new Date(T0 + 17_500).toISOString());
  const v23 = report.pods[5]!;
  assert.deepEqual(v23.offsetsMs, { created: 15_000, ready: 17_000, terminating: null, exited: null });
});

test('shows the first failures with what every pod was doing at that moment', () => {
  const report = summarizeRun(buildRunRecord({ failures }));
  assert.deepEqual(
    report.firstFailures.map((f) => [f.error, f.pod, f.version, f.phase]),
    [
      ['ECONNREFUSED', null, null, 'during the rollout'],
      ['ECONNRESET', 'hello-v1-1', '1', 'during the rollout'],
      ['http_503', 'hello-v2-3', '2', 'after the rollout completed'],
    ],
  );
  const [refused, reset] = report.firstFailures;
  assert.match(refused!.podsDoing, /hello-v2-1 ready for 0\.0 s \(maybe not in endpoints yet\)/);
  assert.match(refused!.podsDoing, /hello-v1-1 ready for 17\.9 s/);
  assert.match(reset!.podsDoing, /hello-v1-1 terminating for 0\.1 s/);
  assert.match(reset!.podsDoing, /hello-v2-2 starting for 0\.1 s/);
  assert.equal(refused!.offsetMs, 12_000);
});

test('"maybe not in endpoints yet" is judged against the run\'s own propagation lag, not a fixed second', () => {
  const record = buildRunRecord({ failures });
  const refusedAt = (lagMs: number) =>
    summarizeRun({ ...record, settings: { ...record.settings, propagationLagMs: lagMs } }).firstFailures[0]!
      .podsDoing;
  assert.match(refusedAt(1000), /hello-v2-1 ready for 0\.0 s \(maybe not in endpoints yet\)/);
  assert.match(refusedAt(0), /hello-v2-1 ready for 0\.0 s(?! \(maybe)/);
  assert.match(refusedAt(20_000), /hello-v1-1 ready for 17\.9 s \(maybe not in endpoints yet\)/);
});

test('keeps at most 20 first failures, earliest first', () => {
  const many = Array.from({ length: 30 }, (_, i) => ({ atMs: 30_000 - i * 100, error: 'timeout' }));
  const report = summarizeRun(buildRunRecord({ failures: many }));
  assert.equal(report.requests.failed, 30);
  assert.equal(report.firstFailures.length, 20);
  const times = report.firstFailures.map((f) => f.offsetMs);
  assert.deepEqual(
    times,
    [...times].sort((a, b) => a - b),
  );
  assert.equal(times[0], 27_100);
});

test('builds a per-second series whose buckets add up to every request', () => {
  const report = summarizeRun(buildRunRecord({ failures }));
  const ts = report.timeseries;
  assert.equal(ts.second.length, 40);
  const ok = Object.values(ts.okByVersion)
    .flat()
    .reduce((a, b) => a + b, 0);
  const failed = ts.failed.reduce((a, b) => a + b, 0);
  assert.equal(ok + failed, 4000);
  assert.equal(ts.failed[12], 2);
  assert.equal(ts.failed[20], 1);
  assert.equal(ts.okByVersion['2']![5], 0, 'no v2 answers before the rollout');
  assert.equal(ts.okByVersion['1']![30], 0, 'no v1 answers after the last v1 pod left');
  assert.ok(ts.p99.every((v, i) => v !== null && v >= ts.p50[i]!));
});

test('carries target, scenario, settings, checks and reasons through unchanged', () => {
  const run: RunRecord = { ...buildRunRecord({ failures }), scenario: 'naive', target: 'kind' };
  const report = summarizeRun(run);
  assert.equal(report.target, 'kind');
  assert.equal(report.scenario, 'naive');
  assert.deepEqual(report.settings, run.settings);
  assert.equal(report.verdict, 'fail');
  assert.equal(report.checks.find((c) => c.name === 'no failed requests')?.passed, false);
  assert.equal(report.reasons.length, 1);
});
