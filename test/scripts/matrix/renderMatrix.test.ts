import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matrixRows } from '../../../scripts/matrix/matrixRows.js';
import {
  matrixHtml,
  matrixMarkdown,
  matrixTable,
  summarizeMatrix,
} from '../../../scripts/matrix/renderMatrix.js';
import type { MatrixResult } from '../../../scripts/matrix/runMatrix.js';

const machine = { cores: 2, node: 'v20', platform: 'linux x64' };
const results: MatrixResult[] = matrixRows()
  .slice(0, 2)
  .map((row, i) => ({
    row,
    asExpected: i === 0,
    runs: [
      {
        dir: `/tmp/m/runs/${row.id}-1`,
        exitCode: 0,
        verdict: i === 0 ? 'pass' : 'fail',
        failed: i === 0 ? 0 : 3,
        total: 2000,
        byError: (i === 0 ? {} : { ECONNRESET: 3 }) as Record<string, number>,
        rolloutComplete: true,
        loadDelivered: true,
        asExpected: i === 0,
      },
    ],
  }));

test('the printed table has a header for every column, and says which rows were unexpected', () => {
  const lines = matrixTable(summarizeMatrix(results, 1, machine)).split('\n');
  const header = lines[0]!.split(/\s{2,}/);
  const first = lines[1]!.split(/\s{2,}/);
  assert.deepEqual(header.slice(0, 4), ['scenario', 'keep-alive', 'lag', 'rps']);
  assert.equal(header.length, first.length - 1, 'every column but the last has a header');
  assert.match(lines[1]!, /as expected$/);
  assert.match(lines[2]!, /UNEXPECTED$/);
});

test('matrix.md and matrix.html say whether every row was as expected, and link each run report', () => {
  const summary = summarizeMatrix(results, 1, machine);
  assert.equal(summary.allAsExpected, false);
  assert.match(matrixMarkdown(summary), /^# Rollout matrix: UNEXPECTED rows/);
  const html = matrixHtml(summary, '/tmp/m');
  assert.match(html, /<a href="runs\/hardened-keepalive-on-1\/report.html">run 1<\/a>/);
});

test('names the generator in the expectation of the row whose drops depend on it, and the load of every run', () => {
  const row = matrixRows().find((r) => r.id === 'no-connection-close-keepalive-on')!;
  const control = matrixRows().find((r) => r.id === 'hardened-keepalive-on')!;
  const summary = summarizeMatrix(
    [row, control].map((r) => ({ row: r, runs: [], asExpected: false })),
    1,
    machine,
  );
  assert.deepEqual(
    summary.rows.map((r) => r.expected),
    ['some dropped (built-in generator)', '0 dropped'],
  );
  const md = matrixMarkdown(summary);
  assert.match(md, / · load: built-in generator\n/);
  assert.match(
    md,
    /\| no-connection-close \| .* \| on \| 1 s \| 400 \| some dropped \(built-in generator\) \|/,
  );
  assert.match(
    md,
    /- \*\*no-connection-close-keepalive-on\*\*: .*; k6 \(Go's net\/http\) silently sends a GET again/,
  );
});
