import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { test } from 'node:test';
import { createProcessLoadGenerator } from '../../loadtest/processLoadGenerator.js';
import type { RequestSample } from '../../loadtest/requestSample.js';
import { tempDir } from '../support/runCli.js';

// `npm run load` alone, and the harness's generator that runs it as a process of its own. Real HTTP on
// 127.0.0.1, port 0; every run bounded in count and time.

const LOAD_CLI = path.resolve(import.meta.dirname, '../../loadtest/loadCli.js');

async function backend(delayMs: number) {
  const server = http.createServer((_req, res) => {
    setTimeout(() => res.writeHead(200, { 'x-app-version': '2', 'x-pod-name': 'pod-a' }).end('ok'), delayMs);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}
const readSamples = (file: string) =>
  fs
    .readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as RequestSample);

test('writes one NDJSON line per request, with the version and pod that answered, then a summary', async () => {
  const { url, server } = await backend(20);
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
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const [code] = await once(child, 'exit');
  server.close();
  assert.equal(code, 0);
  const samples = readSamples(out);
  assert.equal(samples.length, 100);
  // The backend waits 20 ms, timed from libuv's cached loop time: a timer can end a little early (hence 15).
  for (const sample of samples) {
    assert.equal(sample.status, 200);
    assert.equal(sample.version, '2');
    assert.equal(sample.pod, 'pod-a');
    assert.ok(
      sample.latencyMs >= 15 && sample.endedAt >= sample.startedAt && sample.startedAt >= sample.scheduledAt,
      JSON.stringify(sample),
    );
  }
  assert.match(stdout, /requests\s+100 sent, 100 ok, 0 failed/);
  assert.match(stdout, /answers by version\s+v2: 100/);
});

test('SIGTERM ends the schedule, and the requests in flight still finish and are written', async () => {
  const { url, server } = await backend(500);
  const out = path.join(tempDir('load-'), 'samples.ndjson');
  const child = spawn(process.execPath, [
    LOAD_CLI,
    '--url',
    url,
    '--rate',
    '50',
    '--duration',
    '60',
    '--out',
    out,
  ]);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const stoppedAt = Date.now();
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  server.close();
  assert.equal(code, 0);
  const samples = readSamples(out);
  assert.ok(samples.length >= 40 && samples.length < 3000 / 20, `${samples.length} requests`);
  assert.ok(
    samples.every((s) => s.status === 200 && s.error === null),
    'none was cut at the stop',
  );
  assert.ok(
    samples.some((s) => s.startedAt > stoppedAt - 500),
    'the last ones were in flight at the stop',
  );
});

test('a bad flag is one plain line and exit 2', () => {
  for (const args of [
    ['--rate', '10'],
    ['--url', 'ftp://x', '--rate', '1', '--duration', '1', '--out', '/tmp/x'],
    ['--url', 'http://127.0.0.1:1/', '--rate', 'fast', '--duration', '1', '--out', '/tmp/x'],
  ]) {
    const result = spawnSync(process.execPath, [LOAD_CLI, ...args], { encoding: 'utf8' });
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /^load: /);
  }
});

test('the harness runs the generator as a process of its own and gets every request back at the stop', async () => {
  const { url, server } = await backend(300);
  const generator = createProcessLoadGenerator({
    baseUrl: url,
    rate: 100,
    keepAlive: true,
    timeoutMs: 5000,
    maxDurationMs: 60_000,
    outDir: tempDir('load-process-'),
    pollIntervalMs: 50,
  });
  generator.start();
  await new Promise((resolve) => setTimeout(resolve, 1500));
  assert.ok(generator.progress().completed > 50, 'progress follows the NDJSON as it grows');
  const result = await generator.stop();
  server.close();
  assert.equal(result.inFlightAtStop, 'settled');
  assert.ok(result.samples.length >= 120, `${result.samples.length} requests`);
  assert.ok(result.samples.every((s) => s.status === 200));
  assert.ok(Math.abs(result.achievedRate - 100) < 5, `achieved ${result.achievedRate}`);
  for (let i = 1; i < result.samples.length; i++)
    assert.ok(result.samples[i]!.scheduledAt >= result.samples[i - 1]!.scheduledAt, 'in schedule order');
});

test('stopped the moment it started, the process generator still ends cleanly with what it sent', async () => {
  const { url, server } = await backend(10);
  const generator = createProcessLoadGenerator({
    baseUrl: url,
    rate: 100,
    keepAlive: true,
    timeoutMs: 5000,
    maxDurationMs: 60_000,
    outDir: tempDir('load-early-stop-'),
  });
  generator.start();
  // Before the tool has even loaded its modules: a bare SIGTERM now would kill it without its summary.
  const result = await generator.stop();
  server.close();
  assert.equal(result.inFlightAtStop, 'settled');
  assert.ok(result.samples.every((s) => s.status === 200));
});
