import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FIDELITY_USAGE, parseFidelityFlags } from '../../../scripts/cli/fidelityFlags.js';
import { fidelityRows } from '../../../scripts/fidelity/fidelityRows.js';

test('demo:fidelity needs --context, except to show its help', () => {
  assert.throws(
    () => parseFidelityFlags([]),
    /^UsageError: --context NAME is required \(the real cluster, e\.g\. zero-downtime-local\)\. See --help\.$/,
  );
  assert.equal(parseFidelityFlags(['--help']), null);
});

test('with a context it runs every row with the built-in load, measuring first unless --measure off', () => {
  const options = parseFidelityFlags(['--context', 'c'])!;
  assert.equal(options.context, 'c');
  assert.equal(options.measure, true);
  assert.equal(options.rows.length, fidelityRows().length);
  assert.deepEqual(options.sharedFlags, ['--load', 'builtin', '--warmup', '5', '--cooldown', '3']);
  assert.equal(parseFidelityFlags(['--context', 'c', '--measure', 'off'])!.measure, false);
  assert.throws(
    () => parseFidelityFlags(['--context', 'c', '--measure', 'maybe']),
    /Invalid --measure "maybe"/,
  );
});

test('its help lists every row id from the rows the registry makes', () => {
  const flat = FIDELITY_USAGE.replace(/\s+/g, ' ');
  for (const row of fidelityRows()) assert.ok(flat.includes(row.id), row.id);
});
