import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeCluster, type FakeCluster } from '../../support/fakeCluster.js';
import { commandLines, runKindCli } from '../../support/kindCliRun.js';
import { tempDir } from '../../support/runCli.js';

// --chaos kill-pod on a cluster: on kind a real SIGKILL of the pod's container in its node; on any other
// cluster a force delete, and a report that says that is not a SIGKILL.

const CONTEXT = ['--context', 'kind-zero-downtime', '--namespace', 'default'];
const FAST = ['--load', 'builtin', '--warmup', '1', '--cooldown', '1', '--rate', '20', '--chaos', 'kill-pod'];

interface ReportEvent {
  at: string;
  kind: string;
  pod?: string;
  detail?: string;
}

let cluster: FakeCluster;
let kubeconfig: string;

before(async () => {
  cluster = await startFakeCluster();
  kubeconfig = cluster.writeKubeconfig(tempDir('kubeconfig-'), 'kind-zero-downtime');
});
after(() => cluster.close());

function run(args: string[]) {
  return runKindCli([...args, '--lb-port', String(cluster.servicePort), ...FAST], {
    env: { KUBECONFIG: kubeconfig, STANDIN_CLUSTER: cluster.apiUrl },
  });
}

test("on kind, SIGKILLs a ready v1 pod's container in its node with crictl, and the kubelet restarts it", async () => {
  const result = await run(['--target', 'kind']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const lines = commandLines(result.calls);
  assert.ok(!lines.some((line) => line.includes(' delete pod ')), 'no force delete');
  const lookup = lines.find((line) => line.includes(' get pod '));
  const victim = /get pod (hello-v1-\S+) -o /.exec(lookup ?? '')?.[1];
  assert.ok(victim, lines.join('\n'));
  assert.equal(
    lookup,
    [
      'kubectl',
      ...CONTEXT,
      'get pod',
      victim,
      '-o jsonpath={.spec.nodeName} {.status.containerStatuses[?(@.name=="hello")].containerID}',
    ].join(' '),
  );
  const kill = lines[lines.indexOf(lookup!) + 1];
  assert.match(kill ?? '', /^docker exec zero-downtime-control-plane crictl stop --timeout 0 [0-9a-f]{64}$/);

  const report = JSON.parse(fs.readFileSync(path.join(result.outDir, 'report.json'), 'utf8'));
  const [incident] = report.incidents;
  assert.equal(incident.pod, victim);
  assert.equal(
    incident.what,
    'container killed with SIGKILL in its node (crictl stop --timeout 0): no preStop, no SIGTERM; the kubelet restarts it (--chaos kill-pod)',
  );
  // What the kubelet reported afterwards, as it reported it: the same pod, not ready, restarted, ready.
  const after = (report.events as ReportEvent[]).filter(
    (event) => event.pod === victim && Date.parse(event.at) >= Date.parse(incident.at),
  );
  assert.deepEqual(
    after.slice(0, 3).map((event) => [event.kind, event.detail]),
    [
      ['not-ready', undefined],
      ['restarted', 'exit 137 (Error)'],
      ['ready', undefined],
    ],
  );
  assert.match(result.stdout, new RegExp(`chaos: ${victim} container killed with SIGKILL in its node`));
});

test('on any other cluster, force-deletes the pod and says plainly that it was not a SIGKILL', async () => {
  const result = await run(['--target', 'kube', '--context', 'kind-zero-downtime']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const deletes = commandLines(result.calls).filter((line) => line.includes(' delete pod '));
  assert.equal(deletes.length, 1);
  const victim = /delete pod (hello-v1-\S+) --grace-period=0 --force --wait=false$/.exec(deletes[0]!)?.[1];
  assert.ok(victim, deletes[0]);
  const report = JSON.parse(fs.readFileSync(path.join(result.outDir, 'report.json'), 'utf8'));
  assert.equal(report.incidents[0].pod, victim);
  assert.equal(
    report.incidents[0].what,
    'force-deleted (kubectl delete --grace-period=0 --force), not a SIGKILL: the pod object goes at once, but the ' +
      'kubelet still runs preStop and sends SIGTERM, SIGKILL no sooner than 2 s later (--chaos kill-pod)',
  );
  assert.match(result.stdout, new RegExp(`chaos: ${victim} force-deleted .*, not a SIGKILL`));
});
