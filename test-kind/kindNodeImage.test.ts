import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { realKindDir } from '../test/support/realKind.js';
import { DEMO_ROLLOUT, PROVE, startCli, tempDir } from '../test/support/runCli.js';

// The kind target on real kind (npm run test:kind): kind v0.32.0 built from its module, booting the node image
// this project builds offline (npm run kind:node-image). Needs root and Docker (scripts/docker/ensure-docker.sh).
// Before: the image (cached by its content key), Docker's bounded runc where root lacks a capability, the fence
// that keeps kind's network off the external interface. After: no cluster, no rule, no network of ours.

const REPO = path.resolve(import.meta.dirname, '../..');
const KIND_NODE = path.join(REPO, 'cluster', 'kind-node');
const IMAGE = `zero-downtime.local/kind-node:${
  /^KUBERNETES_VERSION=(\S+)$/m.exec(fs.readFileSync(path.join(REPO, 'cluster', 'versions.env'), 'utf8'))![1]
}`;
const CLUSTER = 'zero-downtime';
const RUN_TIMEOUT_MS = 600_000;
let env: NodeJS.ProcessEnv = process.env;

const sh = (command: string, args: string[], timeout = 60_000) =>
  execFileSync(command, args, { cwd: REPO, encoding: 'utf8', timeout, stdio: ['ignore', 'pipe', 'inherit'] });

before(
  () => {
    // kubectl 1.36 from the same module as the node (Debian's 1.32 is outside the skew), then kind.
    const kindBin = sh('bash', ['-c', 'source cluster/scripts/lib.sh && echo "$kind_bin_dir"']).trim();
    sh('bash', [path.join(KIND_NODE, 'docker', 'use-bounded-runc.sh')]);
    sh('bash', [path.join(KIND_NODE, 'build.sh')], 3_600_000);
    sh('bash', [path.join(KIND_NODE, 'fence.sh'), 'on']);
    // The Go service npm run prove rolls out below, built from its module (cached by its content key).
    sh('bash', [path.join(REPO, 'test-cluster', 'apps', 'build-images.sh')], 1_800_000);
    env = { ...process.env, PATH: `${realKindDir('v0.32.0')}:${kindBin}:${process.env.PATH}` };
  },
  { timeout: 3_700_000 },
);

after(() => {
  try {
    execFileSync('kind', ['delete', 'cluster', '--name', CLUSTER], {
      env,
      stdio: 'ignore',
      timeout: 300_000,
    });
  } finally {
    sh('bash', [path.join(KIND_NODE, 'fence.sh'), 'off']);
  }
});

test(
  'on our node image, kind creates the cluster and the hardened rollout drops nothing of at least 2,000 requests',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = tempDir('kind-hardened-');
    const run = startCli(
      DEMO_ROLLOUT,
      [
        '--target',
        'kind',
        '--kind-node-image',
        IMAGE,
        '--recreate-cluster',
        '--keep-cluster',
        'off',
        '--rate',
        '100',
        '--warmup',
        '10',
        '--cooldown',
        '10',
        '--out',
        out,
      ],
      env,
    );
    const code = await run.exited;
    const output = run.stdout() + run.stderr();
    const file = path.join(out, 'report.json');
    assert.ok(fs.existsSync(file), `no report was written:\n${output}`);
    const report = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(code, 0, output);
    assert.equal(report.verdict, 'pass');
    assert.equal(report.target, 'kind');
    assert.equal(report.requests.failed, 0);
    assert.ok(report.requests.total >= 2000, `only ${report.requests.total} requests`);
    assert.match(output, new RegExp(`Ensuring node image \\(${IMAGE.replaceAll('.', '\\.')}\\)`));
    // --keep-cluster off: the run deleted what it created.
    const left = execFileSync('docker', ['ps', '-aq', '--filter', `label=io.x-k8s.kind.cluster=${CLUSTER}`], {
      encoding: 'utf8',
    });
    assert.equal(left.trim(), '', 'no node container of the cluster is left');
  },
);

test(
  "npm run prove on kind: a Go service's images loaded from the local Docker, 0 failed as given, drops without preStop",
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = tempDir('kind-prove-');
    const run = startCli(
      PROVE,
      [
        '--target',
        'kind',
        '--kind-node-image',
        IMAGE,
        '--keep-cluster',
        'off',
        '--app',
        path.join(REPO, 'test-cluster', 'apps', 'echo', 'hardened'),
        '--to-image',
        'zdr-apps/echo:v2',
        '--version-from',
        'header:X-App-Version',
        '--control',
        'prestop',
        '--load',
        'builtin',
        // A connection per request: http-echo closes idle keep-alive connections the moment it shuts down,
        // and a request sent on one just then is cut (seen here through docker-proxy: 1 of 5,040).
        '--keep-alive',
        'off',
        '--rate',
        '200',
        '--warmup',
        '5',
        '--cooldown',
        '5',
        '--out',
        out,
      ],
      env,
    );
    const code = await run.exited;
    const output = run.stdout() + run.stderr();
    assert.equal(code, 0, output);
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    assert.equal(report.verdict, 'pass');
    assert.equal(report.target, 'kind');
    assert.equal(report.requests.failed, 0);
    assert.ok(report.requests.total >= 2000, `only ${report.requests.total} requests`);
    assert.match(output, /loaded zdr-apps\/echo:v1, zdr-apps\/echo:v2/);
    const [control] = JSON.parse(fs.readFileSync(path.join(out, 'prove.json'), 'utf8')).controls;
    assert.equal(control.protection, 'prestop');
    assert.ok(control.failed > 0, `without preStop: ${JSON.stringify(control)}`);
  },
);
