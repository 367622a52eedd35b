import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RolloutChange, RunRecord } from '../../../scripts/model.js';
import { judgeConfig } from '../../../scripts/verdict/judgeConfig.js';
import { judgeRun } from '../../../scripts/verdict/judgeRun.js';
import { buildRunRecord, T0 } from '../../fixtures/buildRunRecord.js';

const OLD = { hash: '185f8db3', greeting: 'Hello', source: 'ConfigMap hello-config-a key GREETING, as env' };
const NEW = { hash: '0eefdf99', greeting: 'Howdy', source: 'ConfigMap hello-config-b key GREETING, as env' };
const change = (kind: RolloutChange['kind'], settleMs = 5000): RolloutChange => ({
  kind,
  configFrom: OLD,
  configTo: NEW,
  templateChanges: true,
  settleMs,
});

/** The synthetic rollout, its answers built from the old configuration until `switchAtMs` after T0. */
function configRun(kind: RolloutChange['kind'], switchAtMs: number | null, settleMs = 5000): RunRecord {
  const run = buildRunRecord({ loadToMs: 50_000 });
  for (const s of run.samples) {
    if (s.status !== 200) continue;
    s.configHash = switchAtMs !== null && s.scheduledAt >= T0 + switchAtMs ? NEW.hash : OLD.hash;
  }
  return { ...run, change: change(kind, settleMs) };
}

const check = (run: RunRecord) => judgeRun(run).checks.find((c) => c.id === 'new-config-served');

test('a code-only change has no configuration check', () => {
  assert.equal(judgeConfig(configRun('code', null)), null);
  assert.equal(check(configRun('code', null)), undefined);
});

test('passes when every answer after completion plus the settle time carries the new configuration', () => {
  const run = configRun('config', 20_000);
  const found = check(run);
  assert.equal(found?.passed, true, found?.detail);
  assert.match(found!.detail, /^all \d+ answers after completion \+ 5\.0 s settle on 0eefdf99/);
  assert.ok(judgeRun(run).pass, judgeRun(run).reasons.join('; '));
});

test('fails when old answers go on past the settle time, and says until when', () => {
  const run = configRun('config', 45_000);
  const found = judgeConfig(run)!;
  assert.ok(found.stale > 0);
  assert.deepEqual(Object.keys(found.staleHashes), [OLD.hash]);
  assert.ok(found.lastOldAnswerMs !== null && found.lastOldAnswerMs > 30_000);
  assert.equal(found.oldUntilLoadEnd, false);
  assert.equal(check(run)?.passed, false);
});

test('fails when the new configuration never answers, and marks the old one as lasting to the end', () => {
  const run = configRun('config', null);
  const found = judgeConfig(run)!;
  assert.equal(found.stale, found.judged);
  assert.equal(found.oldUntilLoadEnd, true);
  assert.equal(found.firstNewAnswerMs, null);
  assert.match(
    judgeRun(run).reasons.join(' '),
    /were not built from the new configuration \(old 185f8db3 ×\d+\)/,
  );
});

test('a check with no answers after the settle time is a failure, not a pass', () => {
  const run = configRun('config', 20_000, 60_000);
  assert.equal(judgeConfig(run)!.judged, 0);
  assert.equal(check(run)?.passed, false);
  assert.match(check(run)!.detail, /no answer after completion \+ 60\.0 s settle/);
});

test('a configuration-only change needs answers from version 1 only', () => {
  const run = configRun('config', 20_000);
  const onlyV1 = { ...run, samples: run.samples.filter((s) => s.version !== '2') };
  const versions = judgeRun(onlyV1).checks.find((c) => c.id === 'both-versions-answered');
  assert.equal(versions?.passed, true, versions?.detail);
  const codeRun = { ...onlyV1, change: change('both') };
  assert.equal(judgeRun(codeRun).checks.find((c) => c.id === 'both-versions-answered')?.passed, false);
});
