// The kind path against the real kind CLI (built from its Go module) and a real Docker engine, as far as
// it goes without a node image: no registry is reachable, so `kind create cluster` must fail, and the
// harness must say why in one line. Also what Docker's userland proxy does to a refused connection,
// which is what a kind cluster's host port is. Needs a Docker daemon, the base image (NODE_IMAGE) and Go.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { errorCode } from '../loadtest/errorCode.js';
import { kindFailureReason } from '../scripts/targets/kind/kindFailure.js';
import { runKindCli } from '../test/support/kindCliRun.js';
import { noGo, realKindDir } from '../test/support/realKind.js';
import { tempDir } from '../test/support/runCli.js';

const run = promisify(execFile);
const NODE_IMAGE = process.env.NODE_IMAGE ?? 'node:24-bookworm-slim';
const NODE_LABEL = 'io.x-k8s.kind.cluster';
const containers: string[] = [];

after(async () => {
  if (containers.length > 0) await run('docker', ['rm', '--force', ...containers]).catch(() => undefined);
});

async function kindNodes(cluster: string): Promise<string[]> {
  const { stdout } = await run('docker', [
    'ps',
    '--all',
    '--filter',
    `label=${NODE_LABEL}=${cluster}`,
    '--format',
    '{{.Names}}',
  ]);
  return stdout.split('\n').filter(Boolean);
}

test(
  "with the real kind and Docker, a create that cannot pull its node image exits 2 with kind's reason in one line",
  { skip: noGo, timeout: 300_000 },
  async () => {
    const kind = realKindDir('v0.32.0');
    assert.deepEqual(
      await kindNodes('zero-downtime'),
      [],
      'this test needs no kind cluster zero-downtime here',
    );
    // kind, then the real docker and kubectl of this machine.
    const result = await runKindCli(['--target', 'kind'], { pathDirs: [kind], timeoutMs: 240_000 });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /^demo:rollout: kind create cluster failed: failed to create cluster: failed to pull image "kindest\/node:v1\.36\.1@sha256:[0-9a-f]{64}": `docker pull` exited 1: Error response from daemon: [^\n]+\n$/,
    );
    assert.match(
      result.stdout,
      / kind create \+\d+\.\ds {2}• Ensuring node image \(kindest\/node:v1\.36\.1\) 🖼$/m,
    );
    assert.deepEqual(await kindNodes('zero-downtime'), [], 'kind left no node behind');
    assert.doesNotMatch(result.stdout, /kept cluster/);
  },
);

test(
  "the real kind's words for a stopped node are the ones the stand-in says, one line",
  { skip: noGo },
  async () => {
    const kind = path.join(realKindDir('v0.32.0'), 'kind');
    const cluster = `zd-test-${process.pid}`;
    const node = `${cluster}-control-plane`;
    // A node container that never ran, as an interrupted `kind create` leaves it.
    await run('docker', [
      'create',
      '--name',
      node,
      '--label',
      `${NODE_LABEL}=${cluster}`,
      '--label',
      'io.x-k8s.kind.role=control-plane',
      NODE_IMAGE,
      'sleep',
      'infinity',
    ]);
    containers.push(node);
    const listed = await run(kind, ['get', 'clusters']);
    assert.ok(listed.stdout.split('\n').includes(cluster), 'kind get clusters lists a stopped cluster');
    const env = { ...process.env, KUBECONFIG: path.join(tempDir('kubeconfig-'), 'config') };
    const exported = await run(kind, ['export', 'kubeconfig', '--name', cluster], { env }).then(
      () => assert.fail('kind export kubeconfig of a stopped node succeeded'),
      (error: { code: number; stderr: string }) => error,
    );
    assert.equal(exported.code, 1);
    assert.match(
      kindFailureReason(exported.stderr),
      /^failed to get cluster internal kubeconfig: `docker exec` exited 1: Error response from daemon: Container [0-9a-f]{64} is not running$/,
    );
  },
);

/** GET / with a timeout whose timer keeps the process alive (AbortSignal.timeout's does not). */
async function errorKindOf(port: number, timeoutMs: number): Promise<string> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
    return `HTTP ${response.status}`;
  } catch (error) {
    return controller.signal.aborted ? 'timeout' : errorCode((error as { cause?: unknown }).cause ?? error);
  } finally {
    clearTimeout(timer);
  }
}

test(
  "behind Docker's userland proxy a refused backend reaches the client as a closed or reset socket, never ECONNREFUSED",
  { timeout: 120_000 },
  async () => {
    // Published on 127.0.0.1 like a kind node's NodePort; nothing listens on 8080 inside the container.
    const name = `zd-proxy-${process.pid}`;
    await run('docker', [
      'run',
      '--detach',
      '--name',
      name,
      '--publish',
      '127.0.0.1::8080',
      NODE_IMAGE,
      'sleep',
      '300',
    ]);
    containers.push(name);
    const { stdout } = await run('docker', ['port', name, '8080/tcp']);
    const port = Number(/^127\.0\.0\.1:(\d+)$/m.exec(stdout)?.[1]);
    assert.ok(port > 0, stdout);

    // Right after the start the proxy's own connection to the container can hang for a while: wait (within
    // a bound) until one answer came back, then look at the next ones.
    const deadline = Date.now() + 60_000;
    while ((await errorKindOf(port, 2000)) === 'timeout')
      assert.ok(Date.now() < deadline, 'the proxy never reached the container');
    const kinds = new Set<string>();
    for (let i = 0; i < 10; i++) kinds.add(await errorKindOf(port, 5000));
    assert.ok(!kinds.has('ECONNREFUSED'), [...kinds].join(', '));
    assert.deepEqual(
      [...kinds].filter((kind) => kind !== 'socket_closed' && kind !== 'ECONNRESET'),
      [],
      [...kinds].join(', '),
    );
  },
);
