import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEMO_ROLLOUT, runningPodProcesses, startCli, tempDir } from '../support/runCli.js';

// Broken v2 releases and an unplanned pod failure, end to end on the local target: each has a defined
// outcome, and none of them may drop a request it does not have to.

const QUICK = ['--target', 'local', '--warmup', '3', '--cooldown', '2'];
const RUN_TIMEOUT_MS = 150_000;

async function runScenario(name: string, extra: string[] = []) {
  const out = tempDir(`fault-${name}-`);
  outDirs.push(out);
  const run = startCli(DEMO_ROLLOUT, [...QUICK, '--scenario', name, '--out', out, ...extra]);
  const code = await run.exited;
  assert.deepEqual(runningPodProcesses(out), [], 'no pod process remains');
  const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
  return { code, report, output: run.stdout() + run.stderr() };
}

const outDirs: string[] = [];
after(() => {
  for (const dir of outDirs)
    assert.deepEqual(runningPodProcesses(dir), [], `a pod process of ${dir} outlived the harness`);
});

test(
  'v2 that never becomes ready: the rollout stalls at the surge pod, rolls back, and drops nothing',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report, output } = await runScenario('v2-never-ready', ['--on-fail', 'rollback']);
    assert.equal(code, 1, 'a stalled rollout is not a pass');
    assert.equal(report.rollout.outcome, 'stalled', output);
    assert.equal(report.rollout.rollback.outcome, 'complete');
    assert.equal(report.requests.failed, 0);
    assert.deepEqual(Object.keys(report.requests.byVersion), ['1'], 'all traffic stayed on v1');
    const v2Pods = report.pods.filter((pod: { version: string }) => pod.version === '2');
    assert.equal(v2Pods.length, 1, 'only the surge pod was created');
    assert.equal(v2Pods[0].ready, null);
    assert.match(output, /rolling back to v1/);
  },
);

test(
  'v2 that crashes at start: restarts with back-off, the rollout stalls and rolls back, nothing dropped',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report } = await runScenario('v2-crash-at-start', ['--on-fail', 'rollback']);
    assert.equal(code, 1);
    assert.equal(report.rollout.outcome, 'stalled');
    assert.equal(report.rollout.rollback.outcome, 'complete');
    assert.equal(report.requests.failed, 0);
    assert.deepEqual(Object.keys(report.requests.byVersion), ['1']);
    const restarts = report.events.filter((e: { kind: string }) => e.kind === 'restarted');
    assert.ok(restarts.length >= 2, `expected CrashLoopBackOff restarts, saw ${restarts.length}`);
    assert.match(restarts[1].detail, /restart 2 in 10 s/, 'the second restart backs off 10 s');
  },
);

test(
  'v2 that starts slowly: the startup probe holds it, the rollout completes later, nothing dropped',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report } = await runScenario('v2-slow-start');
    assert.equal(code, 0);
    assert.equal(report.verdict, 'pass');
    assert.equal(report.requests.failed, 0);
    // Each v2 pod took at least its 12 s start-up to become ready: that is why the rollout took longer.
    const v2Pods = report.pods.filter((pod: { version: string }) => pod.version === '2');
    assert.equal(v2Pods.length, 3);
    for (const pod of v2Pods)
      assert.ok(pod.offsetsMs.ready - pod.offsetsMs.created >= 12_000, JSON.stringify(pod));
    assert.ok(report.rollout.durationMs >= 3 * 12_000, `rollout took ${report.rollout.durationMs} ms`);
  },
);

test(
  'a v1 pod killed with SIGKILL under load: only requests around that pod fail, the report names it, the Deployment replaces it',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report } = await runScenario('hardened', ['--chaos', 'kill-pod', '--warmup', '6']);
    assert.equal(code, 1, 'requests were dropped, so the proof fails');
    const [incident] = report.incidents;
    assert.match(incident.pod, /^hello-v1-/);
    assert.ok(report.requests.failed > 0);
    assert.equal(
      incident.failedWithin5s,
      report.requests.failed,
      'every failure came within 5 s of the kill',
    );
    // At 100 requests/s over 3 pods with 2 s of work, about 67 are in flight on one pod; allow for the
    // connections sent to it before its endpoint removal reached the balancer.
    assert.ok(report.requests.failed < 200, `${report.requests.failed} failed`);
    const killedAt = Date.parse(incident.at);
    const replacement = report.events.find(
      (e: { kind: string; version?: string; at: string }) =>
        e.kind === 'created' && e.version === '1' && Date.parse(e.at) > killedAt,
    );
    assert.ok(replacement, 'a new v1 pod replaced the killed one');
    assert.equal(report.rollout.complete, true);
  },
);
