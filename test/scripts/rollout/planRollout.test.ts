import { SAMPLE_APP } from '../../../scripts/app/sampleApp.js';
import { scenarioOverlays } from '../../../scripts/scenarios/scenarioOverlays.js';
import { findScenario } from '../../../scripts/scenarios/scenarios.js';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createPlanObserver } from '../../../scripts/cluster/clusterObserver.js';
import { createDryRunner } from '../../../scripts/cluster/commandRunner.js';
import { dryRunAnswer } from '../../../scripts/cluster/dryRunAnswers.js';
import { createKubeTarget } from '../../../scripts/targets/kube/kubeTarget.js';
import { createLocalPlanTarget } from '../../../scripts/targets/local/localPlanTarget.js';
import { planRollout, type RolloutPlanSpec } from '../../../scripts/rollout/planRollout.js';
import type { Target } from '../../../scripts/target.js';
import { tempDir } from '../../support/runCli.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const KUBECTL = 'kubectl --context test --namespace default';

async function plan(
  makeTarget: (print: (line: string) => void) => Target,
  spec: Partial<RolloutPlanSpec> = {},
) {
  const lines: string[] = [];
  const print = (line: string) => lines.push(line);
  const outDir = path.join(tempDir('plan-'), 'report');
  const started = Date.now();
  await planRollout({
    target: makeTarget(print),
    from: path.join(repoRoot, 'k8s/overlays/v1'),
    to: path.join(repoRoot, 'k8s/overlays/v2'),
    loadName: 'builtin',
    rate: 100,
    keepAlive: true,
    warmupMs: 60_000,
    cooldownMs: 60_000,
    onFail: 'stop',
    chaos: 'none',
    outDir,
    print,
    ...spec,
  });
  return { lines, outDir, tookMs: Date.now() - started };
}

function kubeTarget(print: (line: string) => void): Target {
  return createKubeTarget({
    app: SAMPLE_APP,
    context: 'test',
    image: 'hello',
    outDir: '/tmp/out',
    repoRoot,
    serviceUrl: 'http://127.0.0.1:8080',
    run: createDryRunner(print, dryRunAnswer),
    observer: createPlanObserver(print),
    log: (line) => print(`# ${line}`),
  });
}

test('a plan with --chaos kill-pod and --on-fail rollback shows the kill and the rollback, in run order', async () => {
  const { lines } = await plan(kubeTarget, { chaos: 'kill-pod', onFail: 'rollback' });
  const at = (line: string) => {
    const index = lines.indexOf(line);
    assert.ok(index >= 0, `${line}\nnot in\n${lines.join('\n')}`);
    return index;
  };
  const order = [
    at(`$ ${KUBECTL} apply -k k8s/overlays/v1`),
    at('# start the built-in load generator: 100 requests/s, keep-alive on, against http://127.0.0.1:8080'),
    at('# warm up for 30 s'),
    at('# chaos (--chaos kill-pod): kill one ready v1 pod'),
    at(`$ ${KUBECTL} delete pod '<a ready v1 pod>' --grace-period=0 --force --wait=false`),
    at('# go on warming up for 30 s'),
    at(`$ ${KUBECTL} apply -k k8s/overlays/v2`),
    at('# if the rollout stalls (--on-fail rollback): roll back to v1'),
    lines.lastIndexOf(`$ ${KUBECTL} apply -k k8s/overlays/v1`),
    at('# cool down for 60 s'),
    at('# stop the load'),
    at(
      '# judge the run and write report.json, report.md and report.html to ' + lines.at(-1)!.split(' to ')[1],
    ),
  ];
  assert.deepEqual(
    order,
    [...order].sort((a, b) => a - b),
  );
});

test('a plan never claims an outcome: no step line of a run appears in it', async () => {
  const { lines } = await plan(kubeTarget, { chaos: 'kill-pod', onFail: 'rollback' });
  for (const line of lines) {
    assert.ok(line.startsWith('# ') || line.startsWith('$ '), line);
    assert.doesNotMatch(
      line,
      /\b(rollout complete|rollback complete|load stopped|load started|cluster up|v1 ready)\b/,
    );
  }
});

test('without --on-fail rollback the plan says a stall stops there, and plans no rollback', async () => {
  const { lines } = await plan(kubeTarget);
  assert.ok(
    lines.includes(
      '# if the rollout stalls: stop there and report it (exit 1); --on-fail rollback would roll back to v1',
    ),
  );
  assert.equal(lines.filter((line) => line === `$ ${KUBECTL} apply -k k8s/overlays/v1`).length, 1);
});

test('a plan waits for nothing, starts no load and writes no report', { timeout: 90_000 }, async () => {
  const { outDir, tookMs } = await plan(kubeTarget, { chaos: 'kill-pod' });
  // An order, not a speed: done before the warm-up alone (60 s) would have ended.
  assert.ok(tookMs < 60_000, `${tookMs} ms for a plan with two minutes of warm-up and cool-down`);
  assert.ok(!fs.existsSync(outDir), 'no report folder');
});

test('the local target plans what it would start, from the manifests, and runs no command', async () => {
  const { lines } = await plan(
    (print) =>
      createLocalPlanTarget({
        lbPort: 0,
        propagationLagMs: 1000,
        kubeletSyncMs: 70_000,
        logDir: '/tmp/out/pods',
        serviceEntry: path.join(repoRoot, 'dist/service/main.js'),
        print,
      }),
    { chaos: 'kill-pod', onFail: 'rollback' },
  );
  assert.ok(!lines.some((line) => line.startsWith('$ ')), 'no command');
  assert.equal(lines[0], '# plan for the local target (dry run: nothing below is executed)');
  assert.ok(
    lines.some((line) => /^# start 3 pods of v1: node .*main\.js/.test(line)),
    lines.join('\n'),
  );
  assert.ok(lines.some((line) => /^# SIGKILL the process of one ready v1 pod/.test(line)));
  assert.ok(
    lines.some((line) =>
      /^# the Deployment controller's rolling update to v2: 3 replicas, maxSurge 1/.test(line),
    ),
  );
  assert.ok(lines.includes('# if the rollout stalls (--on-fail rollback): roll back to v1'));
  assert.ok(lines.includes('# stop every pod process and the balancer'));
});

test('the local plan of a ConfigMap edited in place says that nothing rolls out, and when mounted files change', async () => {
  const { from, to } = scenarioOverlays(
    findScenario('config-in-place-volume')!,
    'config',
    [],
    tempDir('plan-config-'),
  );
  const { lines } = await plan(
    (print) =>
      createLocalPlanTarget({
        lbPort: 0,
        propagationLagMs: 100,
        kubeletSyncMs: 70_000,
        logDir: '/tmp/out/pods',
        serviceEntry: path.join(repoRoot, 'dist/service/main.js'),
        print,
      }),
    { from, to },
  );
  assert.ok(
    lines.some((line) =>
      /^# apply .*-v1-new-config: its ConfigMaps change, its pod template does not, so nothing rolls out; each pod mounting hello-config sees the change at its next kubelet sync \(every 70 s from its start\)$/.test(
        line,
      ),
    ),
    lines.join('\n'),
  );
  assert.ok(!lines.some((line) => /rolling update/.test(line)));
});
