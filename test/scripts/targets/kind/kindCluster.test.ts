import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startFakeCluster, type FakeCluster } from '../../../support/fakeCluster.js';
import { commandLines, runKindCli, standinsWithout } from '../../../support/kindCliRun.js';
import { tempDir } from '../../../support/runCli.js';

// The kind cluster as the harness finds, makes and leaves it: the compiled CLI against the stand-in
// kind, docker and kubectl (which answer as kind v0.32.0 and Docker do, latency and failures included),
// with the fake cluster behind them when a run gets that far.

const FAST = ['--load', 'builtin', '--warmup', '1', '--cooldown', '1', '--rate', '20'];
const READYZ = 'kubectl --context kind-zero-downtime get --raw /readyz --request-timeout=10s';
const REMEDY =
  'delete it with `kind delete cluster --name zero-downtime`, or run again with --recreate-cluster';

let cluster: FakeCluster;
let kubeconfig: string;

before(async () => {
  cluster = await startFakeCluster();
  kubeconfig = cluster.writeKubeconfig(tempDir('kubeconfig-'), 'kind-zero-downtime');
});
after(() => cluster.close());

/** A run whose Service is the fake cluster's (its port stands for the host port, so --lb-port names it). */
function onFakeCluster(extraArgs: string[], env: Record<string, string> = {}) {
  return runKindCli(['--target', 'kind', '--lb-port', String(cluster.servicePort), ...FAST, ...extraArgs], {
    env: { KUBECONFIG: kubeconfig, STANDIN_CLUSTER: cluster.apiUrl, ...env },
  });
}

function between(lines: string[], first: string, last: RegExp): string[] {
  const from = lines.indexOf(first);
  const to = lines.findIndex((line, index) => index > from && last.test(line));
  return lines.slice(from + 1, to);
}

test('reuses a cluster only after exporting its kubeconfig, finding its port mapping and hearing its API', async () => {
  const result = await onFakeCluster([], { STANDIN_KIND_CLUSTERS: `zero-downtime=${cluster.servicePort}` });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(between(commandLines(result.calls), 'kind get clusters', /^docker build/), [
    'kind export kubeconfig --name zero-downtime',
    'docker port zero-downtime-control-plane 30080/tcp',
    READYZ,
  ]);
  assert.match(result.stdout, /reusing kind cluster zero-downtime/);
});

test('refuses a stopped or half-made cluster in one line, before building anything', async () => {
  const result = await runKindCli(['--target', 'kind'], {
    env: { STANDIN_KIND_CLUSTERS: 'zero-downtime=half-made' },
  });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(
    result.stderr,
    /^demo:rollout: kind cluster zero-downtime exists but is stopped or half-made \(kind export kubeconfig: failed to get cluster internal kubeconfig: `docker exec` exited 1: Error response from daemon: Container [0-9a-f]{64} is not running\): /,
  );
  assert.ok(result.stderr.endsWith(`${REMEDY}\n`), result.stderr);
  assert.equal(result.stderr.split('\n').length, 2, 'one line');
  assert.ok(!commandLines(result.calls).some((line) => line.startsWith('docker build')));
});

test('refuses a cluster whose API server does not answer', async () => {
  const result = await runKindCli(['--target', 'kind'], {
    env: { STANDIN_KIND_CLUSTERS: 'zero-downtime=api-down' },
  });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.equal(
    result.stderr,
    'demo:rollout: kind cluster zero-downtime exists but its API server does not answer (kubectl get --raw /readyz: ' +
      `The connection to the server 127.0.0.1:39651 was refused - did you specify the right host or port?): ${REMEDY}\n`,
  );
});

test('refuses a cluster that maps the NodePort to another host port than --lb-port', async () => {
  const result = await runKindCli(['--target', 'kind', '--lb-port', '18080'], {
    env: { STANDIN_KIND_CLUSTERS: 'zero-downtime' },
  });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.equal(
    result.stderr,
    `demo:rollout: kind cluster zero-downtime maps NodePort 30080 to 127.0.0.1:8080, not 127.0.0.1:18080: ${REMEDY}\n`,
  );
});

test('--recreate-cluster deletes the existing cluster and creates it afresh', async () => {
  const result = await onFakeCluster(['--recreate-cluster'], {
    STANDIN_KIND_CLUSTERS: 'zero-downtime=half-made',
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(between(commandLines(result.calls), 'kind get clusters', /^docker build/), [
    'kind delete cluster --name zero-downtime',
    'kind create cluster --name zero-downtime --config - --wait 120s',
  ]);
});

test('--lb-port with kind creates the cluster with its NodePort on that host port of 127.0.0.1', async () => {
  const result = await onFakeCluster([]);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const create = result.calls.find((call) => call.tool === 'kind' && call.argv[0] === 'create');
  assert.deepEqual(create?.argv, [
    'create',
    'cluster',
    '--name',
    'zero-downtime',
    '--config',
    '-',
    '--wait',
    '120s',
  ]);
  assert.match(
    create?.input ?? '',
    new RegExp(
      `- containerPort: 30080\\n\\s+hostPort: ${cluster.servicePort}\\n\\s+listenAddress: '127.0.0.1'`,
    ),
  );
  assert.match(
    create?.input ?? '',
    /image: kindest\/node:v1\.36\.1@sha256:/,
    'the rest of k8s/kind/cluster.yaml',
  );
});

test('without --lb-port kind creates the cluster from k8s/kind/cluster.yaml itself', async () => {
  const result = await runKindCli(['--target', 'kind'], { env: { STANDIN_KIND_CREATE: 'no-image' } });
  assert.ok(
    commandLines(result.calls).includes(
      'kind create cluster --name zero-downtime --config k8s/kind/cluster.yaml --wait 120s',
    ),
  );
});

test("exits 2 with kind's reason and how to build the node image offline, in one line, when it cannot be pulled, and leaves nothing", async () => {
  const result = await runKindCli(['--target', 'kind'], { env: { STANDIN_KIND_CREATE: 'no-image' } });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(
    result.stderr,
    /^demo:rollout: kind create cluster failed: failed to create cluster: failed to pull image "kindest\/node:v1\.36\.1@sha256:[0-9a-f]{64}": `docker pull` exited 1: Error response from daemon: Get "https:\/\/registry-1\.docker\.io\/v2\/": .*no such host; with no registry to pull it from, build a node image offline \(`npm run kind:node-image`\) and pass it: --kind-node-image zero-downtime\.local\/kind-node:v1\.36\.5\n$/,
  );
  assert.ok(!commandLines(result.calls).some((line) => line.startsWith('docker build')));
  assert.doesNotMatch(result.stdout, /kept cluster|delete it with/, 'kind removed what it had made');
});

test('a --kind-node-image that is not here and cannot be pulled: one line that says to build it, exit 2', async () => {
  const image = 'zero-downtime.local/kind-node:v1.36.5';
  const result = await runKindCli(['--target', 'kind', '--kind-node-image', image], {
    env: { STANDIN_KIND_CREATE: 'no-image' },
  });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.equal(result.stderr.split('\n').filter(Boolean).length, 1, result.stderr);
  assert.match(
    result.stderr,
    /failed to pull image "zero-downtime\.local\/kind-node:v1\.36\.5".*; build it offline with `npm run kind:node-image`\n$/,
  );
});

test("shows Docker's whole error when the host port is taken, and says what to do", async () => {
  const result = await runKindCli(['--target', 'kind'], { env: { STANDIN_KIND_CREATE: 'port-taken' } });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(
    result.stderr,
    /^demo:rollout: kind create cluster failed: failed to create cluster: `docker run` exited 125: docker: Error response from daemon: driver failed programming external connectivity on endpoint zero-downtime-control-plane \([0-9a-f]{64}\): Error starting userland proxy: listen tcp4 127\.0\.0\.1:8080: bind: address already in use\.: host port 8080 is taken; free it, or pick another with --lb-port\n$/,
  );
});

test('fails when kind gives up waiting for the control plane to be Ready, and keeps what it made', async () => {
  const result = await runKindCli(['--target', 'kind'], { env: { STANDIN_KIND_CREATE: 'not-ready' } });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(
    result.stderr,
    /^demo:rollout: kind created cluster zero-downtime but its control plane was not Ready within 120s \(kind: "WARNING: Timed out waiting for Ready"\)/,
  );
  assert.ok(!commandLines(result.calls).some((line) => line.startsWith('docker build')));
  assert.match(
    result.stdout,
    /kept cluster zero-downtime: delete it with `kind delete cluster --name zero-downtime`/,
  );
});

test('streams the steps of kind create and docker build as they happen, each with the time since it began', async () => {
  const stepMs = 150;
  const result = await onFakeCluster([], {
    STANDIN_KIND_STEP_MS: String(stepMs),
    STANDIN_DOCKER_STEP_MS: '100',
  });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const kindSteps = [...result.stdout.matchAll(/ kind create \+(\d+\.\d)s {2}(.+)$/gm)];
  assert.deepEqual(kindSteps.map((step) => step[2]).slice(0, 3), [
    '• Ensuring node image (kindest/node:v1.36.1) 🖼',
    '✓ Ensuring node image (kindest/node:v1.36.1) 🖼',
    '• Preparing nodes 📦',
  ]);
  assert.ok(
    kindSteps.some((step) => step[2] === '• Ready after 1s 💚'),
    result.stdout,
  );
  // Printed as they came, not all at the end: seven steps of 150 ms lie between the first and the last.
  const seconds = kindSteps.map((step) => Number(step[1]));
  assert.ok(seconds.at(-1)! - seconds[0]! >= (7 * stepMs * 0.5) / 1000, seconds.join(', '));
  assert.match(result.stdout, / docker build hello:v1 \+\d+\.\ds {2}\[build 2\/4\] RUN npm ci$/m);
  assert.match(
    result.stdout,
    / docker build hello:v2 \+\d+\.\ds {2}\[stage-1 4\/4\] COPY --from=build \/app\/dist \.\/dist$/m,
  );
});

test('says only what this run did: nothing about a cluster when kind is not installed', async () => {
  const result = await runKindCli(['--target', 'kind'], { pathDirs: [standinsWithout('kind')] });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^demo:rollout: kind not found on PATH/);
  assert.doesNotMatch(result.stdout, /cluster/);
});

test('refuses --recreate-cluster on a target that makes no cluster, in one line', async () => {
  const result = await runKindCli(['--target', 'local', '--recreate-cluster']);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    'demo:rollout: --recreate-cluster goes with --target kind (the only target that makes its cluster).\n',
  );
});

test('--kind-node-image (or KIND_NODE_IMAGE) creates every node from that image: kind create --image', async () => {
  const image = 'zero-downtime.local/kind-node:v1.36.5';
  const expected = `kind create cluster --name zero-downtime --config k8s/kind/cluster.yaml --image ${image} --wait 120s`;
  const flag = await runKindCli(['--target', 'kind', '--kind-node-image', image], {
    env: { STANDIN_KIND_CREATE: 'no-image' },
  });
  assert.ok(commandLines(flag.calls).includes(expected), commandLines(flag.calls).join('\n'));
  const variable = await runKindCli(['--target', 'kind'], {
    env: { STANDIN_KIND_CREATE: 'no-image', KIND_NODE_IMAGE: image },
  });
  assert.ok(commandLines(variable.calls).includes(expected), commandLines(variable.calls).join('\n'));
});

test('refuses --kind-node-image on a target that makes no cluster, in one line', async () => {
  const result = await runKindCli(['--target', 'local', '--kind-node-image', 'x:y']);
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    'demo:rollout: --kind-node-image goes with --target kind (the only target that makes its cluster).\n',
  );
});
