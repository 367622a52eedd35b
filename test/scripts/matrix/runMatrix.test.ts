import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { matrixRows, type MatrixRow } from '../../../scripts/matrix/matrixRows.js';
import { judgeAgainstExpectation, runMatrix } from '../../../scripts/matrix/runMatrix.js';
import { tempDir } from '../../support/runCli.js';

const row = (expected: 'none' | 'some'): MatrixRow => ({
  id: 'x',
  scenario: 'x',
  removes: 'x',
  keepAlive: true,
  propagationLagS: 1,
  rate: 100,
  expected,
  load: 'builtin',
  loadSpecific: false,
});

function report(
  failed: number,
  { verdict = failed === 0 ? 'pass' : 'fail', complete = true, delivered = true } = {},
) {
  return {
    verdict,
    requests: {
      total: 1000,
      failed,
      byError: (failed ? { ECONNRESET: failed } : {}) as Record<string, number>,
    },
    rollout: { complete },
    checks: [{ id: 'load-delivered' as const, passed: delivered }],
  };
}

test('a row expecting no drops matches only a run that passed outright', () => {
  assert.equal(judgeAgainstExpectation(row('none'), report(0)), true);
  assert.equal(judgeAgainstExpectation(row('none'), report(1)), false);
  assert.equal(judgeAgainstExpectation(row('none'), report(0, { verdict: 'fail', complete: false })), false);
});

test('a row expecting drops matches only drops in a rollout that completed under delivered load', () => {
  assert.equal(judgeAgainstExpectation(row('some'), report(12)), true);
  assert.equal(judgeAgainstExpectation(row('some'), report(0)), false);
  assert.equal(
    judgeAgainstExpectation(row('some'), report(12, { complete: false })),
    false,
    'a broken run proves nothing',
  );
  assert.equal(judgeAgainstExpectation(row('some'), report(12, { delivered: false })), false);
});

test('runs every row with the load generator its expectation holds for, never --load auto', async () => {
  // A stand-in for demoRollout.js: it notes its flags and writes a passing report where --out says.
  const dir = tempDir('matrix-');
  const entry = path.join(dir, 'demo.mjs');
  fs.writeFileSync(
    entry,
    `import fs from 'node:fs';
const args = process.argv.slice(2);
const out = args[args.indexOf('--out') + 1];
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(out + '/args.json', JSON.stringify(args));
fs.writeFileSync(out + '/report.json', JSON.stringify({ verdict: 'pass', requests: { total: 1, failed: 0, byError: {} }, rollout: { complete: true }, checks: [] }));
`,
  );
  const rows = matrixRows().filter(
    (r) => r.scenario === 'no-connection-close' || r.id === 'hardened-keepalive-on',
  );
  const results = await runMatrix({
    rows,
    repeat: 1,
    outDir: dir,
    demoEntry: entry,
    sharedFlags: ['--target', 'local'],
    onRunDone: () => undefined,
    signal: new AbortController().signal,
  });
  for (const { row, runs } of results) {
    const args = JSON.parse(fs.readFileSync(path.join(runs[0]!.dir, 'args.json'), 'utf8')) as string[];
    assert.equal(args[args.indexOf('--load') + 1], 'builtin', row.id);
  }
});
