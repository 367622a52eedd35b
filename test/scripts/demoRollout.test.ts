import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, test } from 'node:test';
import { createOpenModelGenerator } from '../../loadtest/openModelGenerator.js';
import { DEMO_ROLLOUT, runningPodProcesses, startCli, tempDir } from '../support/runCli.js';

// End to end on this machine: the real CLI, the local target, real service processes, real load.
// Short warm-up and cool-down keep each run around 25 s; everything else is as a user gets it.

const QUICK = ['--target', 'local', '--warmup', '2', '--cooldown', '2'];
const RUN_TIMEOUT_MS = 120_000;

/** A port nothing listens on now: the OS's pick, not a guess (a guessed one can be taken: EADDRINUSE). */
async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function readReport(dir: string) {
  return JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8'));
}

const outDirs: string[] = [];
function outDir(prefix: string): string {
  const dir = tempDir(prefix);
  outDirs.push(dir);
  return dir;
}

after(() => {
  for (const dir of outDirs)
    assert.deepEqual(runningPodProcesses(dir), [], `a pod process of ${dir} outlived the harness`);
});

test(
  'the hardened rollout at the default rate passes with zero failed requests, both versions answering',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = outDir('demo-hardened-');
    const run = startCli(DEMO_ROLLOUT, [...QUICK, '--out', out]);
    const code = await run.exited;
    assert.equal(code, 0, run.stdout() + run.stderr());
    const report = readReport(out);
    assert.equal(report.verdict, 'pass');
    assert.equal(report.load.rate, 100);
    assert.equal(report.requests.failed, 0);
    // The rate over the time the load ran, however long this machine took: a share, not a count.
    const due = (report.load.rate * report.load.durationMs) / 1000;
    assert.ok(report.requests.total >= 0.95 * due, `${report.requests.total} requests of ${due} due`);
    assert.ok(report.requests.byVersion['1'] > 0 && report.requests.byVersion['2'] > 0);
    assert.equal(report.rollout.complete, true);
    // The warm-up and cool-down (2 s each), counted from the load's first requests and the rollout's end.
    assert.ok(report.coverage.loadBeforeRolloutMs >= 1500 && report.coverage.loadAfterRolloutMs >= 1500);
    for (const file of ['report.md', 'report.html']) assert.ok(fs.existsSync(path.join(out, file)), file);
    assert.match(run.stdout(), /target: local/);
    assert.match(run.stdout(), /rollout complete/);
    assert.deepEqual(runningPodProcesses(out), [], 'no pod process remains');
  },
);

test(
  'the hardened rollout also passes with keep-alive off, one connection per request',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = outDir('demo-hardened-close-');
    const run = startCli(DEMO_ROLLOUT, [...QUICK, '--keep-alive', 'off', '--out', out]);
    assert.equal(await run.exited, 0, run.stdout() + run.stderr());
    const report = readReport(out);
    assert.equal(report.verdict, 'pass');
    assert.equal(report.load.keepAlive, false);
    assert.equal(report.requests.failed, 0);
  },
);

test(
  'the naive scenario drops requests, and the report names the error kinds',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = outDir('demo-naive-');
    const run = startCli(DEMO_ROLLOUT, [...QUICK, '--scenario', 'naive', '--out', out]);
    assert.equal(await run.exited, 1, run.stdout() + run.stderr());
    const report = readReport(out);
    assert.equal(report.verdict, 'fail');
    assert.ok(report.requests.failed > 0);
    const kinds = Object.keys(report.requests.byError);
    assert.ok(kinds.length > 0);
    // What a client sees when a pod dies mid-request or gets traffic before it listens.
    for (const kind of kinds) assert.match(kind, /^(ECONNRESET|ECONNREFUSED|socket_closed|EPIPE)$/);
    assert.match(run.stdout(), /FAIL/);
    assert.deepEqual(runningPodProcesses(out), [], 'no pod process remains');
  },
);

test(
  'Ctrl-C stops the load and every pod, and writes a partial report marked incomplete',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = outDir('demo-interrupted-');
    const run = startCli(DEMO_ROLLOUT, ['--target', 'local', '--warmup', '30', '--out', out]);
    await run.waitForOutput(/load started/, 90_000);
    run.child.kill('SIGINT');
    assert.equal(await run.exited, 130, run.stdout() + run.stderr());
    const report = readReport(out);
    assert.equal(report.verdict, 'incomplete');
    assert.equal(report.interrupted, true);
    assert.deepEqual(runningPodProcesses(out), [], 'no pod process remains');
  },
);

test(
  'with --load none, an outside load tool pointed at --lb-port sees no errors through the rollout',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = outDir('demo-outside-');
    const port = await freePort();
    const run = startCli(DEMO_ROLLOUT, [...QUICK, '--load', 'none', '--lb-port', String(port), '--out', out]);
    await run.waitForOutput(/point your load tool at/, 90_000);
    const outside = createOpenModelGenerator({
      baseUrl: `http://127.0.0.1:${port}`,
      rate: 50,
      keepAlive: true,
      timeoutMs: 10_000,
      maxDurationMs: 90_000,
      maxRequests: 50 * 90,
    });
    outside.start();
    await run.waitForOutput(/nothing is terminating/, 90_000);
    const result = await outside.stop();
    assert.equal(await run.exited, 0, run.stdout() + run.stderr());
    const failed = result.samples.filter((s) => s.error !== null || s.status !== 200);
    assert.deepEqual(failed.slice(0, 5), []);
    const versions = new Set(result.samples.map((s) => s.version));
    assert.ok(versions.has('1') && versions.has('2'), 'the outside tool saw both versions');
    assert.equal(readReport(out).verdict, 'rollout-only');
  },
);

test(
  '--target local --dry-run plans the local target: what it would start, no command, no pod, no report',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = path.join(tempDir('demo-plan-'), 'report');
    const run = startCli(DEMO_ROLLOUT, [
      '--target',
      'local',
      '--dry-run',
      '--chaos',
      'kill-pod',
      '--out',
      out,
    ]);
    assert.equal(await run.exited, 0, run.stderr());
    const lines = run.stdout().trim().split('\n');
    assert.equal(lines[1], '# plan for the local target (dry run: nothing below is executed)');
    assert.ok(
      lines.every((line) => line.startsWith('# ')),
      run.stdout(),
    );
    assert.ok(
      lines.some((line) => /^# start 3 pods of v1: node /.test(line)),
      run.stdout(),
    );
    assert.ok(lines.includes('# chaos (--chaos kill-pod): kill one ready v1 pod'));
    assert.ok(!fs.existsSync(out), 'no report folder');
  },
);

test('a bad flag gets one plain line and exit 2', { timeout: RUN_TIMEOUT_MS }, async () => {
  const run = startCli(DEMO_ROLLOUT, ['--rate', 'lots']);
  assert.equal(await run.exited, 2);
  assert.equal(
    run.stderr(),
    'demo:rollout: Invalid --rate "lots": expected requests per second from 1 to 20000.\n',
  );
});
