import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { runRollout, type RolloutSpec } from '../../../scripts/rollout/runRollout.js';
import { createFakeLoad, createFakeTarget, type FakeTargetScript } from '../../support/fakeTarget.js';
import { tempDir } from '../../support/runCli.js';

// The orchestration alone: an in-memory target and load, real reports in a temp folder, times in ms.

const RATE = 500;
const config = { hash: 'c0ffee00', greeting: 'Hello', source: 'a literal GREETING' };
const CODE_CHANGE = {
  kind: 'code',
  configFrom: config,
  configTo: config,
  templateChanges: true,
  settleMs: 15_000,
} as const;

function setUp(
  script: FakeTargetScript = {},
  spec: Partial<RolloutSpec> & { failStop?: boolean; sendsAfterMs?: number } = {},
) {
  const target = createFakeTarget(script);
  const steps: string[] = [];
  const controller = new AbortController();
  const outDir = tempDir('run-rollout-');
  const run = () =>
    runRollout({
      target,
      from: 'overlays/v1',
      to: 'overlays/v2',
      scenario: 'hardened',
      change: CODE_CHANGE,
      createLoad: () =>
        createFakeLoad(target, {
          rate: RATE,
          failStop: spec.failStop ?? false,
          ...(spec.sendsAfterMs === undefined ? {} : { sendsAfterMs: spec.sendsAfterMs }),
        }),
      loadName: 'builtin',
      rate: RATE,
      keepAlive: true,
      warmupMs: 40,
      cooldownMs: 40,
      onFail: 'stop',
      chaos: 'none',
      outDir,
      settings: { rate: 50, keepAlive: true, propagationLagMs: 0 },
      output: { step: (line) => steps.push(line), status: () => {}, note: (line) => steps.push(line) },
      signal: controller.signal,
      ...spec,
    });
  const reportJson = () => JSON.parse(fs.readFileSync(path.join(outDir, 'report.json'), 'utf8'));
  return { target, steps, controller, outDir, run, reportJson };
}

test('starts the load only after v1 is deployed, and stops it only after the old pods are gone', async () => {
  const { target, run } = setUp();
  await run();
  assert.deepEqual(target.log, [
    'up',
    'deploy overlays/v1',
    'load start',
    'rollOut overlays/v2',
    'settle',
    'load stop',
    'teardown',
  ]);
});

test('the warm-up counts from the first requests, not from the load start: a load slow to start is waited for', async () => {
  // A tool that takes five warm-ups to start: counted from its start, the rollout would begin before it sends.
  const { target, run, steps, reportJson } = setUp({}, { sendsAfterMs: 200 });
  await run();
  assert.deepEqual(target.log.slice(2, 5), ['load start', 'load sending', 'rollOut overlays/v2']);
  const report = reportJson();
  assert.equal(report.verdict, 'pass', report.reasons?.join('; '));
  assert.ok(
    report.coverage.loadBeforeRolloutMs >= 40,
    `${report.coverage.loadBeforeRolloutMs} ms of warm-up`,
  );
  assert.ok(
    steps.indexOf(`load started: ${RATE} requests/s, keep-alive on`) <
      steps.indexOf('rollout started: v1 → v2'),
  );
});

test('a clean rollout on the fake target passes, exits 0 and says each step once', async () => {
  const { run, steps, reportJson } = setUp();
  const { exitCode, reports } = await run();
  assert.equal(reports.verdict, 'pass', reports.report.reasons.join('; '));
  assert.equal(exitCode, 0);
  const report = reportJson();
  assert.equal(report.rollout.complete, true);
  assert.ok(report.requests.byVersion['1'] > 0 && report.requests.byVersion['2'] > 0);
  assert.deepEqual(
    steps.filter((line) => !line.startsWith('  ')),
    [
      'cluster up: the Service answers on http://127.0.0.1:9',
      'v1 ready: 3 pods',
      `load started: ${RATE} requests/s, keep-alive on`,
      'rollout started: v1 → v2',
      'rollout complete',
      'nothing is terminating',
      `load stopped: ${report.requests.total} requests sent`,
    ],
  );
});

test('a stalled rollout exits 1 and leaves it there without --on-fail rollback', async () => {
  const { target, run, reportJson } = setUp({ rollOut: 'stalled' });
  const { exitCode } = await run();
  assert.equal(exitCode, 1);
  assert.ok(!target.log.some((step) => step.startsWith('rollBack')));
  assert.equal(reportJson().rollout.complete, false);
});

test('a stalled rollout with --on-fail rollback rolls back to the first version', async () => {
  const { target, run, steps, reportJson } = setUp({ rollOut: 'stalled' }, { onFail: 'rollback' });
  const { exitCode } = await run();
  assert.equal(exitCode, 1, 'a rollback does not make the rollout a pass');
  assert.deepEqual(target.log.slice(3, 6), ['rollOut overlays/v2', 'rollBack overlays/v1', 'settle']);
  assert.ok(steps.includes('rolling back to v1 (--on-fail rollback)'));
  assert.ok(steps.includes('rollback complete'));
  const report = reportJson();
  assert.equal(report.rollout.rollback.outcome, 'complete');
  assert.ok(report.events.some((event: { kind: string }) => event.kind === 'rollback-started'));
});

test('a complete rollout is never rolled back, --on-fail rollback or not', async () => {
  const { target, run } = setUp({}, { onFail: 'rollback' });
  await run();
  assert.ok(!target.log.some((step) => step.startsWith('rollBack')));
});

test('--on-fail rollback on a target that cannot roll back fails with a reason, and still tears down', async () => {
  const { target, run } = setUp({ rollOut: 'stalled', cannotRollBack: true }, { onFail: 'rollback' });
  await assert.rejects(run(), /the kind target cannot roll back/);
  assert.deepEqual(target.log.slice(-2), ['load stop', 'teardown']);
});

test('--chaos kill-pod kills one v1 pod half-way through the warm-up and reports it as an incident', async () => {
  const { target, run, steps, reportJson } = setUp({}, { chaos: 'kill-pod' });
  await run();
  assert.deepEqual(target.log.slice(2, 5), ['load start', 'killPod 1', 'rollOut overlays/v2']);
  assert.ok(steps.includes('chaos: pod-v1-a killed by the fake'));
  const incidents = reportJson().incidents;
  assert.equal(incidents.length, 1);
  assert.equal(incidents[0].pod, 'pod-v1-a');
  assert.equal(incidents[0].what, 'killed by the fake');
});

test('--chaos kill-pod on a target that cannot kill pods fails with a reason', async () => {
  const { run } = setUp({ cannotKill: true }, { chaos: 'kill-pod' });
  await assert.rejects(run(), /the kind target cannot kill pods \(--chaos kill-pod\)/);
});

test('Ctrl-C during the rollout stops the load, tears the target down and marks the report incomplete', async () => {
  const setup = setUp({
    hangAt: 'rollOut',
    onStep: (step) => {
      if (step === 'rollOut') setImmediate(() => setup.controller.abort());
    },
  });
  const { exitCode, reports } = await setup.run();
  assert.equal(exitCode, 130);
  assert.equal(reports.verdict, 'incomplete');
  assert.deepEqual(setup.target.log.slice(-3), ['rollOut overlays/v2', 'load stop', 'teardown']);
  assert.ok(setup.steps.some((line) => /interrupted: stopping load and every pod/.test(line)));
  const report = setup.reportJson();
  assert.equal(report.interrupted, true);
  assert.equal(report.rollout.complete, false);
});

test('Ctrl-C before the load started tears the target down and writes a report with no load', async () => {
  const setup = setUp({
    onStep: (step) => {
      if (step === 'deploy') setup.controller.abort();
    },
  });
  const { exitCode } = await setup.run();
  assert.equal(exitCode, 130);
  assert.ok(!setup.target.log.includes('load start'));
  assert.equal(setup.target.log.at(-1), 'teardown');
  assert.equal(setup.reportJson().load.startedAt, null);
});

test('tears the target down even when the load fails to stop, and stops it only once', async () => {
  const { target, run } = setUp({}, { failStop: true });
  await assert.rejects(run(), /the load generator did not stop/);
  assert.deepEqual(target.log.slice(-2), ['load stop', 'teardown']);
  assert.equal(target.log.filter((step) => step === 'load stop').length, 1);
});

test('a first version that never becomes ready fails before any load starts', async () => {
  const { target, run } = setUp({ deploy: 'stalled' });
  await assert.rejects(run(), /the first version never became ready \(stalled\)/);
  assert.ok(!target.log.includes('load start'));
  assert.equal(target.log.at(-1), 'teardown');
});

test('with --load none no generator starts, and the run is judged on the rollout alone', async () => {
  const { run, steps } = setUp({}, { createLoad: () => null, loadName: 'none' });
  const { exitCode, reports } = await run();
  assert.equal(reports.verdict, 'rollout-only');
  assert.equal(exitCode, 0);
  assert.ok(
    steps.includes('no load of our own (--load none): point your load tool at http://127.0.0.1:9 now'),
  );
  assert.ok(!steps.some((line) => line.startsWith('load stopped')));
});
