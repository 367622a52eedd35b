import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { PROVE, startCli, tempDir } from '../test/support/runCli.js';

// npm run prove on the real cluster (npm run cluster:up): two services not written for this harness, built
// from their upstream packages (test-cluster/apps/build-images.sh; .ci/run builds them), and the sample.

const CONTEXT = process.env.ZDR_CONTEXT ?? 'zero-downtime-local';
const KUBE = ['--target', 'kube', '--context', CONTEXT, '--node-port', 'on'];
const APPS = path.resolve(import.meta.dirname, '../../test-cluster/apps');
const IMAGES = ['zdr-apps/echo:v1', 'zdr-apps/echo:v2', 'zdr-apps/httpbin:v1', 'zdr-apps/httpbin:v2'];
/** At 200 requests/s, 5 s before the rollout and 5 s after: at least 2,000 requests. */
const LOAD = ['--rate', '200', '--warmup', '5', '--cooldown', '5'];
const RUN_TIMEOUT_MS = 900_000;

before(() => {
  execFileSync('kubectl', ['--context', CONTEXT, 'get', '--raw', '/readyz'], {
    stdio: 'pipe',
    timeout: 60_000,
  });
  // As a user does: the images built into the local Docker, imported into the cluster's containerd.
  execFileSync('bash', [path.resolve(APPS, '../../cluster/scripts/load-image.sh'), ...IMAGES], {
    stdio: 'pipe',
    timeout: 300_000,
  });
});

async function prove(name: string, args: string[]) {
  const out = tempDir(`prove-${name}-`);
  const run = startCli(PROVE, [...KUBE, '--out', out, ...args]);
  const code = await run.exited;
  const output = run.stdout() + run.stderr();
  const read = (file: string) => JSON.parse(fs.readFileSync(path.join(out, file), 'utf8'));
  return { code, output, out, read };
}

/** The control rows of prove.json by protection: failed of sent. */
function controlsOf(result: { controls: Array<{ protection: string; failed: number; requests: number }> }) {
  return Object.fromEntries(result.controls.map((c) => [c.protection, c]));
}

test(
  "a Go service's hardened manifests drop nothing of 2,000 requests, and without preStop or readiness it drops",
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, output, read } = await prove('echo', [
      '--app',
      path.join(APPS, 'echo/hardened'),
      '--to-image',
      'zdr-apps/echo:v2',
      '--version-from',
      'header:X-App-Version',
      '--controls',
      ...LOAD,
    ]);
    assert.equal(code, 0, output);
    const report = read('report.json');
    assert.equal(report.verdict, 'pass', output);
    assert.equal(report.requests.failed, 0);
    assert.ok(report.requests.total >= 2000, `only ${report.requests.total} requests`);
    assert.deepEqual(Object.keys(report.requests.byVersion).sort(), ['1', '2']);
    const result = read('prove.json');
    assert.deepEqual(result.findings, [], 'the hardened manifests are clean');
    const controls = controlsOf(result);
    assert.deepEqual(Object.keys(controls).sort(), [
      'grace-period',
      'min-ready-seconds',
      'prestop',
      'readiness-probe',
      'surge-only',
    ]);
    assert.ok(controls.prestop!.failed > 0, `without preStop: ${JSON.stringify(controls.prestop)}`);
    assert.ok(controls['grace-period']!.failed > 0, `grace cut: ${JSON.stringify(controls['grace-period'])}`);
  },
);
