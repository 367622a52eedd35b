import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeReports } from '../../../scripts/report/writeReports.js';
import { buildRunRecord } from '../../fixtures/buildRunRecord.js';

test('writes report.json, report.md and report.html into a new directory and returns the verdict', async () => {
  const base = await mkdtemp(join(tmpdir(), 'reports-'));
  try {
    const dir = join(base, 'nested', 'run');
    const written = await writeReports(
      dir,
      buildRunRecord({ failures: [{ atMs: 15_000, error: 'ECONNRESET' }] }),
    );
    assert.equal(written.verdict, 'fail');
    assert.equal(written.pass, false);
    assert.deepEqual(
      [written.json, written.md, written.html],
      ['json', 'md', 'html'].map((e) => join(dir, `report.${e}`)),
    );
    const json = JSON.parse(await readFile(written.json, 'utf8'));
    for (const key of [
      'verdict',
      'target',
      'scenario',
      'requests',
      'latencyMs',
      'rollout',
      'load',
      'coverage',
    ]) {
      assert.ok(key in json, `report.json has ${key}`);
    }
    assert.equal(json.requests.byError.ECONNRESET, 1);
    assert.match(await readFile(written.md, 'utf8'), /^# Rollout proof: FAIL/);
    assert.match(await readFile(written.html, 'utf8'), /^<!doctype html>/);
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
