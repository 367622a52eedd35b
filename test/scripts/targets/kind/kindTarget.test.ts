import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeCluster, type FakeCluster } from '../../../support/fakeCluster.js';
import { commandLines, runKindCli, standinsWithout } from '../../../support/kindCliRun.js';
import { tempDir } from '../../../support/runCli.js';

// The kind target end to end: the compiled CLI, stand-in docker/kind/kubectl first on PATH, a fake
// cluster behind them (Service on a free port, pod watch API at the kubeconfig's kind-zero-downtime).

const CONTEXT = ['--context', 'kind-zero-downtime', '--namespace', 'default'];
const FAST = ['--warmup', '1', '--cooldown', '1', '--rate', '20'];
const K6_RUN = ['--warmup', '2', '--cooldown', '2', '--rate', '50'];
/** A bound on each test (runKindCli bounds each run of the CLI too). */
const BOUND = { timeout: 180_000 };

let cluster: FakeCluster;
let kubeconfig: string;

before(async () => {
  cluster = await startFakeCluster();
  kubeconfig = cluster.writeKubeconfig(tempDir('kubeconfig-'), 'kind-zero-downtime');
});
after(() => cluster.close());

function clusterEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { KUBECONFIG: kubeconfig, STANDIN_CLUSTER: cluster.apiUrl, ...extra };
}

test(
  'runs preflight, cluster, images, v1, v2 in this exact order and passes on the fake cluster',
  BOUND,
  async () => {
    const result = await runKindCli(
      ['--target', 'kind', '--load', 'builtin', '--lb-port', String(cluster.servicePort), ...FAST],
      { env: clusterEnv({ NODE_IMAGE: 'node-offline:24' }) },
    );
    assert.equal(result.code, 0, result.stdout + result.stderr);
    const archive = path.join(result.outDir, 'kind-images.tar');
    assert.deepEqual(commandLines(result.calls), [
      'docker info --format {{.ServerVersion}}',
      'kind version',
      'kind get clusters',
      // --lb-port: k8s/kind/cluster.yaml with the NodePort on that port, on stdin (kindCluster.test.ts).
      'kind create cluster --name zero-downtime --config - --wait 120s',
      'docker build --build-arg APP_VERSION=1 --build-arg NODE_IMAGE=node-offline:24 --tag hello:v1 .',
      'docker build --build-arg APP_VERSION=2 --build-arg NODE_IMAGE=node-offline:24 --tag hello:v2 .',
      `docker save --output ${archive} hello:v1 hello:v2`,
      `kind load image-archive ${archive} --name zero-downtime`,
      // The kind target's Component on top of k8s/overlays/v1, generated with the run's report.
      [
        'kubectl',
        ...CONTEXT,
        'delete deployment hello --ignore-not-found --cascade=foreground --wait=true --timeout=120s',
      ].join(' '),
      ['kubectl', ...CONTEXT, `apply -k ${path.join(result.outDir, 'manifests', 'kind-hardened-v1')}`].join(
        ' ',
      ),
      ['kubectl', ...CONTEXT, 'rollout status deployment/hello --timeout=300s'].join(' '),
      ['kubectl', ...CONTEXT, `apply -k ${path.join(result.outDir, 'manifests', 'kind-hardened-v2')}`].join(
        ' ',
      ),
      ['kubectl', ...CONTEXT, 'rollout status deployment/hello --timeout=300s'].join(' '),
    ]);
    assert.match(
      result.stdout,
      /kept cluster zero-downtime: delete it with `kind delete cluster --name zero-downtime`/,
    );

    const report = JSON.parse(fs.readFileSync(path.join(result.outDir, 'report.json'), 'utf8'));
    assert.equal(report.verdict, 'pass');
    assert.equal(report.target, 'kind');
    assert.ok(report.requests.byVersion['1'] > 0 && report.requests.byVersion['2'] > 0);
    assert.equal(report.rollout.complete, true);
    assert.match(report.requests.errorKindsNote, /docker-proxy.* never as ECONNREFUSED\.$/);
  },
);

test('turns the pod watch into the same rollout events as the local target', BOUND, async () => {
  const result = await runKindCli(
    ['--target', 'kind', '--load', 'builtin', '--lb-port', String(cluster.servicePort), ...FAST],
    { env: clusterEnv({ STANDIN_KIND_CLUSTERS: `zero-downtime=${cluster.servicePort}` }) },
  );
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(fs.readFileSync(path.join(result.outDir, 'report.json'), 'utf8'));
  const events: Array<{ kind: string; pod?: string; version?: string }> =
    report.events ?? report.timeline?.events;
  assert.ok(Array.isArray(events), `events in report.json: ${Object.keys(report).join(', ')}`);
  const kinds = new Set(events.map((event) => event.kind));
  for (const kind of ['created', 'ready', 'terminating', 'exited', 'rollout-started', 'rollout-complete']) {
    assert.ok(kinds.has(kind), `a ${kind} event`);
  }
  assert.ok(events.some((event) => event.kind === 'ready' && event.version === '2'));
  assert.ok(!commandLines(result.calls).some((line) => line.startsWith('kind create')), 'reuses the cluster');
});

test('deletes the cluster at the end with --keep-cluster off', BOUND, async () => {
  const result = await runKindCli(
    [
      '--target',
      'kind',
      '--load',
      'builtin',
      '--keep-cluster',
      'off',
      '--lb-port',
      String(cluster.servicePort),
      ...FAST,
    ],
    { env: clusterEnv() },
  );
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(commandLines(result.calls).at(-1), 'kind delete cluster --name zero-downtime');
});

test('saves pod events, descriptions and logs and exits 1 when the rollout times out', BOUND, async () => {
  const result = await runKindCli(
    ['--target', 'kind', '--load', 'builtin', '--lb-port', String(cluster.servicePort), ...FAST],
    { env: clusterEnv({ STANDIN_ROLLOUT: 'timeout' }) },
  );
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const folder = path.join(result.outDir, 'cluster');
  assert.match(fs.readFileSync(path.join(folder, 'events.txt'), 'utf8'), /Readiness probe failed/);
  assert.match(fs.readFileSync(path.join(folder, 'describe-pods.txt'), 'utf8'), /Name:\s+hello-/);
  assert.match(fs.readFileSync(path.join(folder, 'logs.txt'), 'utf8'), /\[pod\/hello-/);
  // Pod by pod, the current container and the one before its last restart (saveDiagnostics.test.ts).
  const lines = commandLines(result.calls);
  const pods = lines.filter((line) => line.endsWith(' get pods -l app=hello -o name'));
  assert.equal(pods.length, 1);
  assert.ok(
    lines.some((line) => /^kubectl .* logs pod\/hello-\S+ --all-containers --prefix --previous$/.test(line)),
  );
  const report = JSON.parse(fs.readFileSync(path.join(result.outDir, 'report.json'), 'utf8'));
  assert.equal(report.verdict, 'fail');
  assert.equal(report.rollout.complete, false);
});

test('exits 2 with one line naming kind and where to get it when kind is not on PATH', BOUND, async () => {
  const result = await runKindCli(['--target', 'kind'], { pathDirs: [standinsWithout('kind')] });
  assert.equal(result.code, 2);
  assert.equal(
    result.stderr,
    'demo:rollout: kind not found on PATH: install it from https://kind.sigs.k8s.io/docs/user/quick-start/#installation\n',
  );
  assert.deepEqual(result.calls, []);
});

test('exits 2 with one line when the Docker daemon does not answer', BOUND, async () => {
  const result = await runKindCli(['--target', 'kind'], { env: { STANDIN_DOCKER: 'down' } });
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^demo:rollout: the Docker daemon does not answer \(docker info: Cannot connect/,
  );
  assert.equal(result.stderr.trim().split('\n').length, 1);
  assert.deepEqual(commandLines(result.calls), ['docker info --format {{.ServerVersion}}']);
});

test('prints the whole plan with --dry-run and runs nothing', BOUND, async () => {
  const result = await runKindCli(['--target', 'kind', '--dry-run', '--keep-cluster', 'off']);
  assert.equal(result.code, 0, result.stderr);
  assert.deepEqual(result.calls, []);
  const commands = result.stdout.split('\n').filter((line) => line.startsWith('$ '));
  assert.deepEqual(commands, [
    "$ docker info --format '{{.ServerVersion}}'",
    '$ kind version',
    '$ kind get clusters',
    '$ kind create cluster --name zero-downtime --config k8s/kind/cluster.yaml --wait 120s',
    '$ docker build --build-arg APP_VERSION=1 --tag hello:v1 .',
    '$ docker build --build-arg APP_VERSION=2 --tag hello:v2 .',
    `$ docker save --output ${path.join(result.outDir, 'kind-images.tar')} hello:v1 hello:v2`,
    `$ kind load image-archive ${path.join(result.outDir, 'kind-images.tar')} --name zero-downtime`,
    `$ kubectl ${CONTEXT.join(' ')} delete deployment hello --ignore-not-found --cascade=foreground --wait=true --timeout=120s`,
    `$ kubectl ${CONTEXT.join(' ')} apply -k ${path.join(result.outDir, 'manifests', 'kind-hardened-v1')}`,
    `$ kubectl ${CONTEXT.join(' ')} rollout status deployment/hello --timeout=300s`,
    `$ kubectl ${CONTEXT.join(' ')} apply -k ${path.join(result.outDir, 'manifests', 'kind-hardened-v2')}`,
    `$ kubectl ${CONTEXT.join(' ')} rollout status deployment/hello --timeout=300s`,
    '$ kind delete cluster --name zero-downtime',
  ]);
  // The plan applies the kind Component on top of k8s/overlays/v1 and v2: those two kustomizations are
  // written (so the printed commands work as printed); no report is.
  assert.deepEqual(fs.readdirSync(result.outDir), ['manifests']);
  assert.deepEqual(fs.readdirSync(path.join(result.outDir, 'manifests')).sort(), [
    'kind-hardened-v1',
    'kind-hardened-v2',
  ]);
});

test(
  'plans the chaos kill and the rollback with --dry-run --chaos kill-pod --on-fail rollback',
  BOUND,
  async () => {
    const result = await runKindCli([
      '--target',
      'kind',
      '--dry-run',
      '--chaos',
      'kill-pod',
      '--on-fail',
      'rollback',
    ]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(result.calls, []);
    const kubectl = `$ kubectl ${CONTEXT.join(' ')}`;
    const after = (marker: string) => {
      const lines = result.stdout.split('\n');
      const from = lines.indexOf(marker);
      assert.ok(from >= 0, `${marker} in\n${result.stdout}`);
      return lines
        .slice(from + 1)
        .filter((line) => line.startsWith('$ '))
        .slice(0, 2);
    };
    assert.deepEqual(after('# chaos (--chaos kill-pod): kill one ready v1 pod'), [
      `${kubectl} get pod '<a ready v1 pod>' -o 'jsonpath={.spec.nodeName} {.status.containerStatuses[?(@.name=="hello")].containerID}'`,
      "$ docker exec '<node>' crictl stop --timeout 0 '<container>'",
    ]);
    assert.deepEqual(after('# if the rollout stalls (--on-fail rollback): roll back to kind-hardened-v1'), [
      `${kubectl} apply -k ${path.join(result.outDir, 'manifests', 'kind-hardened-v1')}`,
      `${kubectl} rollout status deployment/hello --timeout=300s`,
    ]);
    assert.doesNotMatch(result.stdout, /\b(rollout complete|rollback complete|load started)\b/);
    assert.deepEqual(
      fs.readdirSync(result.outDir),
      ['manifests'],
      'no report, only the manifests the plan applies',
    );
  },
);

test('picks k6 when it is on PATH and passes a clean rollout on the window k6 recorded', BOUND, async () => {
  // Answers that take time, as the service's do (v1 2 s, v2 1 s; shorter here): k6 writes no sample
  // for the requests in flight when it is stopped, and the verdict must not count them as load that
  // was never delivered.
  const slow = await startFakeCluster({ answerMs: { '1': 400, '2': 200 } });
  const slowConfig = slow.writeKubeconfig(tempDir('kubeconfig-'), 'kind-zero-downtime');
  try {
    const result = await runKindCli(['--target', 'kind', '--lb-port', String(slow.servicePort), ...K6_RUN], {
      env: { KUBECONFIG: slowConfig, STANDIN_CLUSTER: slow.apiUrl },
    });
    assert.match(result.stdout, /load: k6/);
    const report = JSON.parse(fs.readFileSync(path.join(result.outDir, 'report.json'), 'utf8'));
    assert.equal(report.load.generator, 'k6');
    // The requests in the report are exactly the ones k6 recorded (its JSON output beside the report).
    const k6Output = fs.readFileSync(path.join(result.outDir, 'k6-output.json'), 'utf8');
    const k6Requests = k6Output
      .split('\n')
      .filter((line) => line.includes('"type":"Point"') && line.includes('"metric":"rollout_request"'));
    assert.equal(report.requests.total, k6Requests.length);
    assert.equal(report.requests.failed, 0);
    assert.ok(report.requests.byVersion['1'] > 0 && report.requests.byVersion['2'] > 0);
    assert.ok(fs.existsSync(path.join(result.outDir, 'k6-summary.json')), 'k6 summary beside the report');
    // The tail k6 lost at its SIGINT is cut off the judged window, by the longest answer it saw (at
    // least the slower version's 400 ms; at most the 10 s request timeout).
    const longest = Math.max(
      ...k6Requests.map((line) => (JSON.parse(line) as { data: { value: number } }).data.value),
    );
    assert.ok(longest >= 400, `longest answer ${longest} ms`);
    assert.equal(report.load.tailCutMs, Math.round(Math.min(longest, 10_000)));
    assert.deepEqual(
      report.checks.filter((check: { passed: boolean | null }) => check.passed === false),
      [],
    );
    assert.equal(report.verdict, 'pass');
    assert.equal(result.code, 0, result.stdout + result.stderr);
  } finally {
    await slow.close();
  }
});

test('exits 1 when a k6 threshold fails', BOUND, async () => {
  const result = await runKindCli(['--target', 'kind', '--lb-port', String(cluster.servicePort), ...K6_RUN], {
    env: clusterEnv({ K6_STANDIN_FAIL_THRESHOLDS: '1' }),
  });
  assert.equal(result.code, 1, result.stdout + result.stderr);
});

test('exits 2 with one line when --load k6 is asked for and k6 is not on PATH', BOUND, async () => {
  const result = await runKindCli(['--target', 'kind', '--load', 'k6'], {
    pathDirs: [standinsWithout('k6')],
  });
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^demo:rollout: k6 not found on PATH: install it from https:\/\/grafana\.com\S+ or use --load builtin\n$/,
  );
  assert.deepEqual(result.calls, []);
});
