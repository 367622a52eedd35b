import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textFlag } from '../../../loadtest/flags/flag.js';
import type { TargetEntry } from '../../../scripts/targets/targetEntry.js';
import { composeTargetFlags, TARGET_FLAGS } from '../../../scripts/targets/targetFlags.js';
import { TARGETS } from '../../../scripts/targets/targets.js';

const entry = (name: 'local' | 'kind' | 'kube', flags: TargetEntry['flags']): TargetEntry => ({
  ...TARGETS[0]!,
  name,
  flags,
});

test("composes every target's own rows in registry order, a row two targets share once", () => {
  const shared = textFlag({ value: 'NAME', help: 'both' });
  const a = textFlag({ value: 'A', help: 'a' });
  const b = textFlag({ value: 'B', help: 'b' });
  const rows = composeTargetFlags([entry('kind', { shared, a }), entry('kube', { b, shared })]);
  assert.deepEqual(Object.keys(rows), ['shared', 'a', 'b']);
  assert.equal(rows.shared, shared);
  assert.deepEqual(
    Object.keys(TARGET_FLAGS),
    [...new Set(TARGETS.flatMap((t) => Object.keys(t.flags)))],
    'the registry composed',
  );
});

test('refuses two different rows under one name', () => {
  assert.throws(
    () =>
      composeTargetFlags([
        entry('kind', { image: textFlag({ value: 'NAME', help: 'one' }) }),
        entry('kube', { image: textFlag({ value: 'NAME', help: 'other' }) }),
      ]),
    /^Error: --image is declared twice, differently \(target kube\)$/,
  );
});
