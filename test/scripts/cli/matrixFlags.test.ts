import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MATRIX_USAGE, parseMatrixFlags } from '../../../scripts/cli/matrixFlags.js';
import { matrixRows } from '../../../scripts/matrix/matrixRows.js';

test('demo:matrix runs every row once on the local target by default, 3 s of warm-up and cool-down', () => {
  const options = parseMatrixFlags([]);
  assert.equal(options.repeat, 1);
  assert.deepEqual(
    options.rows.map((row) => row.id),
    matrixRows().map((row) => row.id),
  );
  assert.deepEqual(options.sharedFlags, ['--target', 'local', '--warmup', '3', '--cooldown', '3']);
});

test('--only and --skip pick rows by id, and an id no row has is one plain line', () => {
  assert.deepEqual(
    parseMatrixFlags(['--only', 'hardened-lag-0s,hardened-lag-3s', '--skip', 'hardened-lag-3s']).rows.map(
      (row) => row.id,
    ),
    ['hardened-lag-0s'],
  );
  assert.throws(
    () => parseMatrixFlags(['--only', 'nope']),
    /^UsageError: Invalid --only "nope": expected one of /,
  );
});

test("demo:matrix's --rate, --repeat and --warmup have the same ranges as everywhere else", () => {
  assert.throws(
    () => parseMatrixFlags(['--rate', '20001']),
    /^UsageError: Invalid --rate "20001": expected requests per second from 1 to 20000\.$/,
  );
  assert.throws(
    () => parseMatrixFlags(['--repeat', '0']),
    /Invalid --repeat "0": expected a whole number from 1 to 100/,
  );
  assert.throws(
    () => parseMatrixFlags(['--warmup', '0']),
    /Invalid --warmup "0": expected seconds from 1 to 3600/,
  );
});

test('its help lists every row id from the rows the registry makes', () => {
  const flat = MATRIX_USAGE.replace(/\s+/g, ' ');
  for (const row of matrixRows()) assert.ok(flat.includes(row.id), row.id);
});
