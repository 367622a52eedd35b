import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { STARTED_LINE } from '../../loadtest/loadFlags.js';
import { createProcessLoadGenerator } from '../../loadtest/processLoadGenerator.js';
import type { RequestSample } from '../../loadtest/requestSample.js';
import { tempDir } from '../support/runCli.js';
import { until, within } from '../support/until.js';

// `npm run load` alone, and the harness's generator that runs it as a process of its own. Real HTTP on
// 127.0.0.1, port 0; every run bounded in count and time. A child Node.js process can take seconds to
// start on a cold machine: nothing here counts from the spawn, only from what the tool or the server did.

const LOAD_CLI = path.resolve(import.meta.dirname, '../../loadtest/loadCli.js');
/** A bound on each test: a hang fails the test instead of the run. */
const TEST_TIMEOUT_MS = 120_000;
/** A bound on each wait for an event (the tool started, progress reached N). */
const EVENT_MS = 60_000;

/** A server that answers every request after `delayMs`, counting what it received and still holds. */
async function backend(t: TestContext, delayMs: number) {
  let received = 0;
  let holding = 0;
  const server = http.createServer((_req, res) => {
    received++;
    holding++;
    setTimeout(() => {
      holding--;
      res.writeHead(200, { 'x-app-version': '2', 'x-pod-name': 'pod-a' }).end('ok');
    }, delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  // Also after a failed assertion: a server left listening would keep this file's process alive.
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    received: () => received,
    holding: () => holding,
  };
}
const readSamples = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as RequestSample);

test(
  'writes one NDJSON line per request, with the version and pod that answered, then a summary',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const { url } = await backend(t, 20);
    const out = path.join(tempDir('load-'), 'samples.ndjson');
    const child = spawn(process.execPath, [
      LOAD_CLI,
      '--url',
      url,
      '--rate',
      '100',
      '--duration',
      '1',
      '--out',
      out,
    ]);
    t.after(() => child.kill('SIGKILL'));
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const [code] = await once(child, 'exit');
    assert.equal(code, 0);
    const samples = readSamples(out);
    // By count, not by time: 1 s at 100/s is 100 requests however late the tool started.
    assert.equal(samples.length, 100);
    // The backend waits 20 ms, timed from libuv's cached loop time: a timer can end a little early (hence 15).
    for (const sample of samples) {
      assert.equal(sample.status, 200);
      assert.equal(sample.version, '2');
      assert.equal(sample.pod, 'pod-a');
      assert.ok(
        sample.latencyMs >= 15 &&
          sample.endedAt >= sample.startedAt &&
          sample.startedAt >= sample.scheduledAt,
        JSON.stringify(sample),
      );
    }
    assert.match(stdout, /requests\s+100 sent, 100 ok, 0 failed/);
    assert.match(stdout, /answers by version\s+v2: 100/);
  },
);

test(
  'SIGTERM ends the schedule, and the requests in flight still finish and are written',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const server = await backend(t, 500);
    const out = path.join(tempDir('load-'), 'samples.ndjson');
    // A schedule far longer than this test's bound: only one that ends at the SIGTERM lets the tool exit.
    const child = spawn(process.execPath, [
      LOAD_CLI,
      '--url',
      server.url,
      '--rate',
      '50',
      '--duration',
      '600',
      '--out',
      out,
    ]);
    t.after(() => child.kill('SIGKILL'));
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    const exited = once(child, 'exit');
    // A SIGTERM before the tool has its handler would kill it: wait until it says so, and until the
    // server holds requests, so some are in flight at the stop whenever that comes.
    await until(
      'the tool started and requests in flight',
      () => stdout.includes(STARTED_LINE) && server.holding() >= 5,
      EVENT_MS,
    );
    child.kill('SIGTERM');
    const [code] = await within('the tool ending its schedule at the SIGTERM and exiting', exited, EVENT_MS);
    assert.equal(code, 0);
    const samples = readSamples(out);
    assert.equal(
      samples.length,
      server.received(),
      'one sample per request the server got, in flight ones too',
    );
    assert.ok(
      samples.every((s) => s.status === 200 && s.error === null),
      'none was cut at the stop',
    );
  },
);

test('a bad flag is one plain line and exit 2', { timeout: TEST_TIMEOUT_MS }, () => {
  for (const args of [
    ['--rate', '10'],
    ['--url', 'ftp://x', '--rate', '1', '--duration', '1', '--out', '/tmp/x'],
    ['--url', 'http://127.0.0.1:1/', '--rate', 'fast', '--duration', '1', '--out', '/tmp/x'],
    ['--url', 'http://127.0.0.1:1/', '--rate', '1', '--duration', '1', '--out', '/tmp/x', '--mix', 'get:90'],
    ['--url', 'http://127.0.0.1:1/', '--rate', '1', '--duration', '1', '--out', '/tmp/x', '--streams', '5'],
    ['--url', 'http://127.0.0.1:1/', '--rate', '1', '--duration', '1', '--out', '/tmp/x', '--streams', '1.5'],
  ]) {
    // spawnSync blocks the event loop, so the test's own timeout could not fire: it needs a bound of its own.
    const result = spawnSync(process.execPath, [LOAD_CLI, ...args], { encoding: 'utf8', timeout: EVENT_MS });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^load: /);
  }
});

test(
  'the harness runs the generator as a process of its own and gets every request back at the stop',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const server = await backend(t, 300);
    const generator = createProcessLoadGenerator({
      baseUrl: server.url,
      rate: 100,
      keepAlive: true,
      timeoutMs: 5000,
      maxDurationMs: 600_000,
      outDir: tempDir('load-process-'),
      pollIntervalMs: 50,
    });
    generator.start();
    t.after(() => generator.stop().catch(() => undefined));
    await within('the tool saying it sends (the harness warms up from here)', generator.started(), EVENT_MS);
    // Progress is read from the NDJSON the tool appends to: it must grow while the tool runs.
    await until(
      'progress follows the NDJSON as it grows',
      () => generator.progress().completed >= 50,
      EVENT_MS,
    );
    await until('requests in flight', () => server.holding() >= 5, EVENT_MS);
    const readBeforeStop = generator.progress().completed;
    const heldAtStop = server.holding();
    const result = await within('the generator stopping', generator.stop(), EVENT_MS);
    assert.equal(result.inFlightAtStop, 'settled');
    assert.equal(
      result.samples.length,
      server.received(),
      'one sample per request the server got, the ones in flight at the stop included',
    );
    assert.ok(
      result.samples.length >= readBeforeStop + heldAtStop,
      `${result.samples.length} samples: ${readBeforeStop} read before the stop, ${heldAtStop} then in flight`,
    );
    assert.ok(result.samples.every((s) => s.status === 200));
    // A ratio: the schedule is kept however late the tool started (requests due are sent late, not skipped).
    assert.ok(Math.abs(result.achievedRate - 100) < 5, `achieved ${result.achievedRate}`);
    for (let i = 1; i < result.samples.length; i++)
      assert.ok(result.samples[i]!.scheduledAt >= result.samples[i - 1]!.scheduledAt, 'in schedule order');
  },
);

test(
  'stopped the moment it started, the process generator still ends cleanly with what it sent',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const server = await backend(t, 10);
    const generator = createProcessLoadGenerator({
      baseUrl: server.url,
      rate: 100,
      keepAlive: true,
      timeoutMs: 5000,
      maxDurationMs: 60_000,
      outDir: tempDir('load-early-stop-'),
    });
    generator.start();
    // Before the tool has even loaded its modules: a bare SIGTERM now would kill it without its summary.
    const result = await within('the generator stopping', generator.stop(), EVENT_MS);
    assert.equal(result.inFlightAtStop, 'settled');
    assert.equal(result.samples.length, server.received(), 'what it sent, every one of it');
    assert.ok(result.samples.every((s) => s.status === 200));
  },
);

test(
  'a bad --version-from is one plain line and exit 2, with no stack trace',
  { timeout: TEST_TIMEOUT_MS },
  () => {
    const needed = ['--url', 'http://127.0.0.1:1/', '--rate', '1', '--duration', '1', '--out', '/tmp/x'];
    for (const [args, line] of [
      [
        ['--version-from', 'body:('],
        /^load: --version-from body:\( is not a valid regular expression: .+\n$/,
      ],
      [['--method', 'HEAD', '--mix', 'get:80,post:20'], /^load: --mix .* does not go with --method HEAD\n$/],
    ] as const) {
      const result = spawnSync(process.execPath, [LOAD_CLI, ...needed, ...args], {
        encoding: 'utf8',
        timeout: EVENT_MS,
      });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, line);
      assert.doesNotMatch(result.stderr, /\bat \S+:\d+/, 'no stack trace');
    }
  },
);

test(
  'the harness passes a request shape to the tool: path, expected statuses and a version read from the body',
  { timeout: TEST_TIMEOUT_MS },
  async (t) => {
    const asked: string[] = [];
    const server = http.createServer((req, res) => {
      asked.push(`${req.method} ${req.url}`);
      res.writeHead(302, { location: '/', 'x-pod-name': 'svc-1' });
      res.end('build v7 running');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    t.after(() => {
      server.closeAllConnections();
      server.close();
    });
    const generator = createProcessLoadGenerator({
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      rate: 20,
      keepAlive: true,
      timeoutMs: 5000,
      maxDurationMs: 60_000,
      outDir: tempDir('load-shape-'),
      pollIntervalMs: 50,
      request: {
        method: 'GET',
        path: '/status',
        expect: { classes: [3], codes: [] },
        versionFrom: { from: 'body', pattern: 'build (v\\d+)' },
      },
    });
    generator.start();
    t.after(() => generator.stop().catch(() => undefined));
    await until('a few answers', () => generator.progress().completed >= 5, EVENT_MS);
    const result = await within('the generator stopping', generator.stop(), EVENT_MS);
    assert.ok(result.samples.length >= 5);
    assert.ok(
      asked.every((line) => line === 'GET /status'),
      asked.join(', '),
    );
    assert.ok(
      result.samples.every(
        (s) => s.status === 302 && s.error === null && s.version === 'v7' && s.pod === 'svc-1',
      ),
      JSON.stringify(result.samples[0]),
    );
    assert.equal(generator.progress().failed, 0);
  },
);
