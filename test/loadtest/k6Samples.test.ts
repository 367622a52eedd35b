import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { K6SampleCollector, k6ErrorCode, parseK6Time, readK6Samples } from '../../loadtest/k6Samples.js';
import { readK6Thresholds } from '../../loadtest/k6Summary.js';
import { NdjsonTail } from '../../loadtest/ndjsonTail.js';
import { parseExpectedStatuses, SAMPLE_REQUEST } from '../../loadtest/requestShape.js';

/** Lines as `k6 run --out json=FILE` writes them (docs: results-output/real-time/json). */
const metricLine = (name: string, type: string, contains = 'default') =>
  JSON.stringify({
    type: 'Metric',
    data: { name, type, contains, thresholds: [], submetrics: null },
    metric: name,
  });
const pointLine = (metric: string, time: string, value: number, tags: Record<string, string> | null) =>
  JSON.stringify({ type: 'Point', data: { time, value, tags }, metric });
const request = (time: string, ms: number, tags: Record<string, string>) =>
  pointLine('rollout_request', time, ms, { scenario: 'rollout', ...tags });

function collect(lines: string[]): K6SampleCollector {
  const c = new K6SampleCollector();
  for (const line of lines) c.push(line);
  return c;
}

test('reads a k6 timestamp with nanoseconds and a zone offset to the microsecond', () => {
  assert.equal(
    parseK6Time('2017-05-09T14:34:45.625742514+02:00'),
    Date.UTC(2017, 4, 9, 12, 34, 45, 625) + 0.742514,
  );
  assert.equal(parseK6Time('2021-02-24T13:37:10Z'), Date.UTC(2021, 1, 24, 13, 37, 10));
  assert.ok(Number.isNaN(parseK6Time('yesterday')));
});

test('turns a rollout_request point into a sample with who answered and from which configuration, timed back from its end', () => {
  const c = collect([
    metricLine('rollout_request', 'trend', 'time'),
    request('2026-05-09T12:00:02.000500000Z', 2000.5, {
      status: '200',
      version: '1',
      pod: 'hello-v1-abc',
      config: '185f8db3',
    }),
  ]);
  assert.deepEqual(c.samples, [
    {
      scheduledAt: Date.UTC(2026, 4, 9, 12, 0, 0),
      startedAt: Date.UTC(2026, 4, 9, 12, 0, 0),
      endedAt: Date.UTC(2026, 4, 9, 12, 0, 2) + 0.5,
      latencyMs: 2000.5,
      status: 200,
      error: null,
      version: '1',
      pod: 'hello-v1-abc',
      configHash: '185f8db3',
    },
  ]);
  assert.deepEqual(c.byVersion, { '1': 1 });
  assert.equal(c.failed, 0);
});

test('names connection errors (status 0 with k6 error codes 1211, 1212, 1220) like the builtin generator', () => {
  const t = '2026-05-09T12:00:00Z';
  const c = collect([
    request(t, 5000, { status: '0', error_code: '1211', error: 'dial: i/o timeout' }),
    request(t, 1, { status: '0', error_code: '1212', error: 'dial: connection refused' }),
    request(t, 3, { status: '0', error_code: '1220', error: 'read: connection reset by peer' }),
    request(t, 10000, { status: '0', error_code: '1050', error: 'request timeout' }),
    request(t, 2, { status: '0', error_code: '1000', error: 'EOF' }),
    request(t, 2, { status: '0', error_code: '1300', error: 'tls: bad record' }),
  ]);
  assert.deepEqual(
    c.samples.map((s) => [s.status, s.error, s.version]),
    [
      [null, 'timeout', null],
      [null, 'ECONNREFUSED', null],
      [null, 'ECONNRESET', null],
      [null, 'timeout', null],
      [null, 'socket_closed', null],
      [null, 'k6_1300', null],
    ],
  );
  assert.equal(c.failed, 6);
  assert.deepEqual(c.byVersion, {}, 'no answer, no version');
});

test('names a non-200 answer http_<status> and keeps who sent it', () => {
  const c = collect([
    request('2026-05-09T12:00:00Z', 4, { status: '503', error_code: '1503', version: '1', pod: 'old' }),
    request('2026-05-09T12:00:00Z', 4, { status: '204', version: '2', pod: 'new' }),
  ]);
  assert.deepEqual(
    c.samples.map((s) => [s.status, s.error, s.pod]),
    [
      [503, 'http_503', 'old'],
      [204, 'http_204', 'new'],
    ],
  );
  assert.equal(c.failed, 2);
  assert.deepEqual(c.byVersion, { '1': 1, '2': 1 });
});

test('reads an order as a POST with the id from its metadata: a 201 succeeds, a 200 fails as it would from the builtin generator', () => {
  const order = (id: string, status: string) =>
    JSON.stringify({
      type: 'Point',
      data: {
        time: '2026-05-09T12:00:01Z',
        value: 1000,
        tags: { scenario: 'rollout', status, kind: 'post', version: '1', pod: 'p' },
        metadata: { orderId: id },
      },
      metric: 'rollout_request',
    });
  const c = collect([order('run1-4', '201'), order('run1-9', '200')]);
  assert.deepEqual(
    c.samples.map((s) => [s.kind, s.orderId, s.status, s.error]),
    [
      ['post', 'run1-4', 201, null],
      ['post', 'run1-9', 200, 'http_200'],
    ],
  );
  assert.equal(c.failed, 1);
});

test('treats an error after a status (a body cut short) as the network error it is', () => {
  assert.equal(k6ErrorCode(200, 1220, 'read: connection reset by peer'), 'ECONNRESET');
  assert.equal(k6ErrorCode(200, null, null), null);
  assert.equal(k6ErrorCode(0, null, null), 'error');
});

test('counts every dropped iteration as a failed request that never went out', () => {
  const c = collect([
    metricLine('dropped_iterations', 'counter'),
    pointLine('dropped_iterations', '2026-05-09T12:00:01Z', 1, { scenario: 'rollout' }),
    pointLine('dropped_iterations', '2026-05-09T12:00:01.5Z', 2, { scenario: 'rollout' }),
  ]);
  assert.equal(c.samples.length, 3);
  assert.equal(c.dropped, 3);
  assert.equal(c.failed, 3);
  assert.deepEqual(c.samples[0], {
    scheduledAt: Date.UTC(2026, 4, 9, 12, 0, 1),
    startedAt: Date.UTC(2026, 4, 9, 12, 0, 1),
    endedAt: Date.UTC(2026, 4, 9, 12, 0, 1),
    latencyMs: 0,
    status: null,
    error: 'dropped',
    version: null,
    pod: null,
    configHash: null,
  });
});

test('skips the other metrics, declarations and null tags, and counts unreadable lines of ours', () => {
  const c = collect([
    metricLine('vus', 'gauge'),
    pointLine('vus', '2017-05-09T14:34:45.625742514+02:00', 5, null),
    pointLine('http_reqs', '2026-05-09T12:00:00Z', 1, { status: '200', url: 'http://x/' }),
    pointLine('rollout_request', '2026-05-09T12:00:00Z', 3, null),
    '{"type":"Point","metric":"rollout_request","data":{"time":"not a time","value":1}}',
    '{"type":"Point","metric":"rollout_request", truncated',
  ]);
  assert.equal(c.samples.length, 1);
  assert.equal(c.samples[0]!.error, 'error', 'status 0 and no code: an error with no recognisable code');
  assert.equal(c.unreadable, 2);
});

test('streams a whole output file and returns the samples in start order', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k6samples-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'out.json');
  const lines = [metricLine('rollout_request', 'trend', 'time')];
  // Written in end order: the slow v1 answer started first but ended last.
  lines.push(request('2026-05-09T12:00:01.100Z', 100, { status: '200', version: '2', pod: 'b' }));
  lines.push(request('2026-05-09T12:00:02Z', 2000, { status: '200', version: '1', pod: 'a' }));
  for (let i = 0; i < 5000; i++)
    lines.push(pointLine('http_req_waiting', '2026-05-09T12:00:02Z', 1, { status: '200' }));
  writeFileSync(file, lines.join('\n') + '\n');
  const c = await readK6Samples(file);
  assert.deepEqual(
    c.sorted().map((s) => s.version),
    ['1', '2'],
  );
  assert.deepEqual(c.byVersion, { '1': 1, '2': 1 });
});

test('follows a file as it grows, holding back a line until its newline arrives', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k6tail-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'grow.json');
  const seen: string[] = [];
  const tail = new NdjsonTail(file, (line) => seen.push(line));
  await tail.poll();
  assert.deepEqual(seen, [], 'a file that does not exist yet is no news');
  appendFileSync(file, 'one\ntw');
  await tail.poll();
  assert.deepEqual(seen, ['one']);
  // A multi-byte character split across two writes comes out whole.
  const euro = Buffer.from('€');
  appendFileSync(file, Buffer.concat([Buffer.from('o '), euro.subarray(0, 1)]));
  await tail.poll();
  appendFileSync(file, Buffer.concat([euro.subarray(1), Buffer.from('\nthree')]));
  await Promise.all([tail.poll(), tail.poll()]);
  assert.deepEqual(seen, ['one', 'two €']);
  await tail.finish();
  assert.deepEqual(seen, ['one', 'two €', 'three']);
});

test('reads the threshold outcome from the handleSummary data', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'k6summary-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const summary = (metrics: object) => {
    const file = join(dir, `${Math.random()}.json`);
    writeFileSync(file, JSON.stringify({ root_group: {}, state: {}, metrics }));
    return file;
  };
  const held = summary({
    http_req_failed: { type: 'rate', values: { rate: 0 }, thresholds: { 'rate==0': { ok: true } } },
    http_reqs: { type: 'counter', values: { count: 3 } },
  });
  assert.deepEqual(await readK6Thresholds(held), { passed: true, failed: [] });
  const crossed = summary({
    checks: { thresholds: { 'rate==1': { ok: false } } },
    'responses{version:2}': { thresholds: { 'count>0': { ok: false } } },
    dropped_iterations: { thresholds: { 'count==0': { ok: true } } },
  });
  assert.deepEqual(await readK6Thresholds(crossed), {
    passed: false,
    failed: ['checks: rate==1', 'responses{version:2}: count>0'],
  });
  assert.deepEqual(await readK6Thresholds(join(dir, 'missing.json')), { passed: null, failed: [] });
});

test('reads a request the shape expects as a success, and the version where its source put it', () => {
  const expect = parseExpectedStatuses('2xx,3xx');
  const line = (status: string, version: Record<string, string>) =>
    JSON.stringify({
      type: 'Point',
      data: {
        time: '2026-05-09T12:00:01Z',
        value: 5,
        tags: { scenario: 'rollout', status, ...version },
        metadata: { version: 'from-body' },
      },
      metric: 'rollout_request',
    });
  const read = (shape: typeof SAMPLE_REQUEST, ...lines: string[]) => {
    const c = new K6SampleCollector(shape);
    for (const l of lines) c.push(l);
    return c.samples.map((s) => [s.status, s.error, s.version]);
  };
  const tagged = line('302', { version: 'from-tag' });
  const broken = line('404', { error_code: '1404', version: 'from-tag' });
  assert.deepEqual(read({ ...SAMPLE_REQUEST, expect }, tagged, broken), [
    [302, null, 'from-tag'],
    [404, 'http_404', 'from-tag'],
  ]);
  assert.deepEqual(read({ ...SAMPLE_REQUEST, expect, versionFrom: { from: 'body', pattern: 'v' } }, tagged), [
    [302, null, 'from-body'],
  ]);
  assert.deepEqual(read({ ...SAMPLE_REQUEST, versionFrom: { from: 'none' } }, tagged), [
    [302, 'http_302', null],
  ]);
});
