import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, test } from 'node:test';
import { DEMO_ROLLOUT, startCli, tempDir } from '../test/support/runCli.js';

// The kube target on a real Kubernetes (npm run cluster:up): the same rollouts the local target proves,
// against the upstream kubelet, kube-proxy and controllers. Needs the cluster up and KUBECONFIG set, as
// cluster:up prints; .ci/run does both.

const CONTEXT = process.env.ZDR_CONTEXT ?? 'zero-downtime-local';
const KUBE = ['--target', 'kube', '--context', CONTEXT, '--node-port', 'on'];
const RUN_TIMEOUT_MS = 300_000;

before(() => {
  try {
    execFileSync('kubectl', ['--context', CONTEXT, 'get', '--raw', '/readyz'], {
      stdio: 'pipe',
      timeout: 60_000,
    });
  } catch (error) {
    throw new Error(
      `no cluster answers on context ${CONTEXT} (KUBECONFIG=${process.env.KUBECONFIG ?? 'unset'}): ` +
        `run npm run cluster:up and export the KUBECONFIG it prints. ${String(error)}`,
    );
  }
});

async function rollout(name: string, flags: string[]) {
  const out = tempDir(`cluster-${name}-`);
  const run = startCli(DEMO_ROLLOUT, [...KUBE, '--out', out, ...flags]);
  const code = await run.exited;
  const output = run.stdout() + run.stderr();
  const file = path.join(out, 'report.json');
  assert.ok(fs.existsSync(file), `no report was written:\n${output}`);
  return { code, report: JSON.parse(fs.readFileSync(file, 'utf8')), output };
}

/** Long-lived streams and a fifth of the requests POSTs, on every hardened and naive run (issue 23). */
const STREAMS_AND_ORDERS = ['--streams', '50', '--mix', 'get:80,post:20'];

for (const keepAlive of ['on', 'off']) {
  test(
    `the hardened rollout drops nothing of at least 2,000 requests at 100 rps, keep-alive ${keepAlive}, ` +
      'cuts no stream, and every order is processed once and answered',
    { timeout: RUN_TIMEOUT_MS },
    async () => {
      const { code, report, output } = await rollout(`hardened-${keepAlive}`, [
        '--keep-alive',
        keepAlive,
        '--rate',
        '100',
        // 10 s before the rollout and 10 s after it at 100/s: 2,000 requests however quick the rollout is.
        '--warmup',
        '10',
        '--cooldown',
        '10',
        ...STREAMS_AND_ORDERS,
      ]);
      assert.equal(code, 0, output);
      assert.equal(report.verdict, 'pass');
      assert.equal(report.target, 'kube');
      assert.equal(report.requests.failed, 0);
      assert.ok(report.requests.total >= 2000, `only ${report.requests.total} requests`);
      assert.deepEqual(Object.keys(report.requests.byVersion).sort(), ['1', '2']);
      assert.equal(report.rollout.complete, true);
      // The hints on failures read kube-proxy's lag, not the local engine's, and no local-only setting shows.
      assert.equal(report.settings.propagationLagMs, 1000);
      assert.ok(!('kubeletSyncMs' in report.settings), JSON.stringify(report.settings));
      assert.equal(report.streams.cut, 0, JSON.stringify(report.streams));
      // Every v1 pod left during the run: the streams open on them were told to reconnect, and did.
      assert.ok(report.streams.endedCleanly >= 1, JSON.stringify(report.streams));
      assert.ok(report.orders.sent >= 400, `${report.orders.sent} orders`);
      // The join read the orders of the three v1 pods, which were gone by the end, from their followed logs.
      const { confirmed, lost, ambiguous, duplicated, unrecorded } = report.orders;
      assert.deepEqual(
        [confirmed, lost.count, ambiguous.count, duplicated.count, unrecorded.count],
        [report.orders.sent, 0, 0, 0, 0],
      );
    },
  );
}

test("the API server reaches the kubelet: kubectl logs shows the service's own log lines", () => {
  const pod = execFileSync(
    'kubectl',
    ['--context', CONTEXT, 'get', 'pods', '-l', 'app=hello', '-o', 'name'],
    {
      timeout: 60_000,
    },
  )
    .toString()
    .split('\n')[0]!;
  const logs = execFileSync('kubectl', ['--context', CONTEXT, 'logs', pod], { timeout: 60_000 }).toString();
  assert.match(logs, /"msg":"ready"/);
});

test(
  'the naive manifests drop requests, cut streams and lose orders on the real cluster',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report, output } = await rollout('naive', [
      '--scenario',
      'naive',
      '--warmup',
      '5',
      ...STREAMS_AND_ORDERS,
    ]);
    assert.equal(code, 1, output);
    assert.equal(report.verdict, 'fail');
    assert.ok(report.requests.failed > 0, 'naive dropped nothing');
    assert.ok(report.streams.cut > 0, JSON.stringify(report.streams));
    assert.ok(report.orders.lost.count + report.orders.ambiguous.count > 0, JSON.stringify(report.orders));
    assert.equal(report.rollout.complete, true, 'the drops come from the pods, not from a stalled rollout');
  },
);

test(
  'a v2 that never becomes ready stalls the rollout, drops nothing, and --on-fail rollback brings v1 back',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report, output } = await rollout('never-ready', [
      '--scenario',
      'v2-never-ready',
      '--on-fail',
      'rollback',
      '--warmup',
      '3',
    ]);
    assert.equal(code, 1, 'a stalled rollout is not a pass');
    assert.equal(report.rollout.outcome, 'stalled', output);
    assert.equal(report.rollout.rollback.outcome, 'complete');
    assert.equal(report.requests.failed, 0);
    assert.deepEqual(Object.keys(report.requests.byVersion), ['1'], 'all traffic stayed on v1');
  },
);

test(
  '--chaos kill-pod kills a v1 pod under load; the report names the pod and what was done to it',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { report, output } = await rollout('kill-pod', ['--chaos', 'kill-pod', '--warmup', '8']);
    assert.equal(report.incidents.length, 1, output);
    const [incident] = report.incidents;
    const killed = report.pods.find((pod: { name: string }) => pod.name === incident.pod);
    assert.ok(killed, `the killed pod ${incident.pod} is in the report`);
    assert.equal(killed.version, '1');
    assert.ok(
      killed.offsetsMs.exited !== null || killed.offsetsMs.terminating !== null,
      JSON.stringify(killed),
    );
    assert.equal(report.rollout.complete, true);
  },
);
