import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after } from 'node:test';
import { DEMO_ROLLOUT, runningPodProcesses, startCli, tempDir } from './runCli.js';

/**
 * The four configuration-change runs and what each must show, on whichever target `targetFlags` name: the
 * local engine (test/scripts/configScenarios.test.ts) and the real cluster (test-cluster/) assert the
 * same things of the same runs.
 */
export interface ConfigReport {
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
  rollout: { outcome: string; durationMs: number; startedAt: string };
  pods: Array<{ name: string; version: string; created: string }>;
  checks: Array<{ id: string; passed: boolean | null; detail: string }>;
}

export interface ConfigRun {
  code: number | string | null;
  report: ConfigReport;
  check(id: string): { passed: boolean | null; detail: string } | undefined;
  output: string;
  out: string;
}

export async function runConfigScenario(
  targetFlags: readonly string[],
  name: string,
  extra: string[] = [],
): Promise<ConfigRun> {
  const out = tempDir(`config-${name}-`);
  const run = startCli(DEMO_ROLLOUT, [
    ...targetFlags,
    '--warmup',
    '3',
    '--scenario',
    name,
    '--out',
    out,
    ...extra,
  ]);
  const code = await run.exited;
  const output = run.stdout() + run.stderr();
  const file = path.join(out, 'report.json');
  assert.ok(fs.existsSync(file), `no report was written:\n${output}`);
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as ConfigReport;
  return { code, report, output, out, check: (id) => report.checks.find((c) => c.id === id) };
}

/**
 * Configuration runs on the local target, each checked to leave no pod process behind, at its end and again
 * when the test file ends. Call it once, at the top of a test file.
 */
export function localConfigRunner(): (name: string, extra: string[]) => Promise<ConfigRun> {
  const outDirs: string[] = [];
  after(() => {
    for (const dir of outDirs)
      assert.deepEqual(runningPodProcesses(dir), [], `a pod process of ${dir} outlived the harness`);
  });
  return async (name, extra) => {
    const result = await runConfigScenario(['--target', 'local'], name, extra);
    outDirs.push(result.out);
    assert.deepEqual(runningPodProcesses(result.out), [], 'no pod process remains');
    return result;
  };
}

/** config-hashed: a rollout like code's, 0 failed, and only the new configuration once settled. */
export function assertHashedRollout({ code, report, check, output }: ConfigRun): void {
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
}

/** config-in-place-env: nothing rolls out, nothing fails, and the old greeting is served to the end. */
export function assertStaleEnv({ code, report, check, output }: ConfigRun): void {
  assert.equal(code, 1, `stale configuration is not a pass:\n${output}`);
  assert.equal(report.change.templateChanges, false);
  assert.equal(report.rollout.outcome, 'complete');
  assert.equal(report.requests.failed, 0, 'nothing failed: every answer was simply old');
  assert.deepEqual(Object.keys(report.change.answersByConfig), [report.change.configFrom.hash]);
  assert.equal(report.change.oldUntilLoadEnd, true);
  const consistency = check('new-config-served');
  assert.equal(consistency?.passed, false);
  assert.match(consistency!.detail, /not on [0-9a-f]{8} \(old [0-9a-f]{8} ×\d+\)/);
}

/**
 * config-in-place-volume: nothing rolls out, nothing fails (the file changes atomically), old answers go
 * on past the settle time until each pod's kubelet sync, which comes between `lastOld` ms after the edit.
 */
export function assertVolumeDelay(
  { code, report, check, output }: ConfigRun,
  lastOld: { min: number; max: number },
): void {
  assert.equal(code, 1, output);
  assert.equal(report.change.templateChanges, false);
  assert.equal(report.requests.failed, 0, 'the file changed atomically: no request saw half a change');
  assert.equal(check('new-config-served')?.passed, false);
  const last = report.change.lastOldAnswerMs;
  assert.ok(
    last !== null && last > lastOld.min && last < lastOld.max,
    `last old answer ${last} ms after the edit`,
  );
  assert.equal(report.change.oldUntilLoadEnd, false, 'the new greeting took over before the end');
  assert.ok((report.change.answersByConfig[report.change.configTo.hash] ?? 0) > 0);
}

/** config-shared-breaking: v1 pods answer 500 once their volume loses the key; v2 serves the new one. */
export function assertSharedBreaking({ code, report, check, output }: ConfigRun): void {
  assert.equal(code, 1, output);
  assert.equal(report.rollout.outcome, 'complete');
  assert.ok(report.requests.failed > 0, 'v1 requests broke');
  assert.deepEqual(Object.keys(report.requests.byError), ['http_500'], 'as 500s from the app, not drops');
  assert.equal(check('no-failed-requests')?.passed, false);
  assert.equal(check('new-config-served')?.passed, true, 'v2 pods all serve the renamed key');
}
