import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEMO_ROLLOUT, runningPodProcesses, startCli, tempDir } from '../support/runCli.js';

// Configuration changes end to end on the local target: the hashed ConfigMap rolls out like code and
// serves only the new configuration once settled; the three in-place traps fail the way they fail on a
// cluster, with the numbers in the report.

const QUICK = ['--target', 'local', '--warmup', '3'];
const RUN_TIMEOUT_MS = 300_000;

interface ConfigReport {
  verdict: string;
  requests: { failed: number; byVersion: Record<string, number>; byError: Record<string, number> };
  change: {
    kind: string;
    templateChanges: boolean;
    configFrom: { hash: string };
    configTo: { hash: string };
    answersByConfig: Record<string, number>;
    lastOldAnswerMs: number | null;
    oldUntilLoadEnd: boolean;
  };
  rollout: { outcome: string; durationMs: number };
  checks: Array<{ id: string; passed: boolean | null; detail: string }>;
}

async function runScenario(name: string, extra: string[] = []) {
  const out = tempDir(`config-${name}-`);
  outDirs.push(out);
  const run = startCli(DEMO_ROLLOUT, [...QUICK, '--scenario', name, '--out', out, ...extra]);
  const code = await run.exited;
  assert.deepEqual(runningPodProcesses(out), [], 'no pod process remains');
  const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')) as ConfigReport;
  const check = (id: string) => report.checks.find((c) => c.id === id);
  return { code, report, check, output: run.stdout() + run.stderr() };
}

const outDirs: string[] = [];
after(() => {
  for (const dir of outDirs)
    assert.deepEqual(runningPodProcesses(dir), [], `a pod process of ${dir} outlived the harness`);
});

test(
  'a new greeting through the hashed ConfigMap rolls out like code: 0 failed, only the new configuration once settled',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report, check, output } = await runScenario('config-hashed', ['--cooldown', '2']);
    assert.equal(code, 0, output);
    assert.equal(report.verdict, 'pass');
    assert.equal(report.change.kind, 'config');
    assert.equal(report.change.templateChanges, true, 'the new hash is a new pod template');
    assert.notEqual(report.change.configFrom.hash, report.change.configTo.hash);
    assert.equal(report.requests.failed, 0);
    assert.deepEqual(Object.keys(report.requests.byVersion), ['1'], 'the code stayed v1');
    assert.ok((report.change.answersByConfig[report.change.configFrom.hash] ?? 0) > 0, 'old served before');
    assert.ok((report.change.answersByConfig[report.change.configTo.hash] ?? 0) > 0, 'new served after');
    assert.equal(check('new-config-served')?.passed, true, check('new-config-served')?.detail);
    assert.ok(report.rollout.durationMs > 3000, 'pods were replaced one by one');
  },
);

test(
  'a fixed-name ConfigMap edited in place and read as env: nothing rolls out, the old greeting is served to the end',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report, check } = await runScenario('config-in-place-env', ['--cooldown', '2']);
    assert.equal(code, 1, 'stale configuration is not a pass');
    assert.equal(report.change.templateChanges, false);
    assert.equal(report.rollout.outcome, 'complete');
    assert.equal(report.requests.failed, 0, 'nothing failed: every answer was simply old');
    assert.deepEqual(Object.keys(report.change.answersByConfig), [report.change.configFrom.hash]);
    assert.equal(report.change.oldUntilLoadEnd, true);
    const consistency = check('new-config-served');
    assert.equal(consistency?.passed, false);
    assert.match(consistency!.detail, /not on [0-9a-f]{8} \(old [0-9a-f]{8} ×\d+\)/);
  },
);

test(
  'a fixed-name ConfigMap mounted as a file: each pod switches at its kubelet sync, old answers past the settle time',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    // Pods sync every 30 s from their creation: their files change some 20 s after the edit, past the
    // rollout's 15 s settle time, and the 20 s cool-down then sees the new greeting everywhere.
    const { code, report, check } = await runScenario('config-in-place-volume', [
      '--kubelet-sync',
      '30',
      '--cooldown',
      '20',
    ]);
    assert.equal(code, 1);
    assert.equal(report.change.templateChanges, false);
    assert.equal(report.requests.failed, 0, 'the file changed atomically: no request saw half a change');
    assert.equal(check('new-config-served')?.passed, false);
    const last = report.change.lastOldAnswerMs;
    assert.ok(last !== null && last > 15_000 && last < 32_000, `last old answer ${last} ms after the edit`);
    assert.equal(report.change.oldUntilLoadEnd, false, 'the new greeting took over before the end');
    assert.ok((report.change.answersByConfig[report.change.configTo.hash] ?? 0) > 0);
  },
);

test(
  'v2 renaming its key in the ConfigMap v1 still mounts: v1 pods fail every request once their volume syncs',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const { code, report, check } = await runScenario('config-shared-breaking', [
      '--kubelet-sync',
      '10',
      '--cooldown',
      '2',
    ]);
    assert.equal(code, 1);
    assert.equal(report.rollout.outcome, 'complete');
    assert.ok(report.requests.failed > 0, 'v1 requests broke');
    assert.deepEqual(Object.keys(report.requests.byError), ['http_500'], 'as 500s from the app, not drops');
    assert.equal(check('no-failed-requests')?.passed, false);
    assert.equal(check('new-config-served')?.passed, true, 'v2 pods all serve the renamed key');
  },
);
