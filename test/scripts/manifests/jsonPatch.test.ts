import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyJsonPatch } from '../../../scripts/manifests/jsonPatch.js';
import { ManifestError } from '../../../scripts/manifests/manifestError.js';

test('leaves the input untouched and returns the patched copy', () => {
  const input = { list: [1, 2], map: { 'a/b': 1, 'c~d': 2 } };
  const output = applyJsonPatch(
    input,
    [
      { op: 'add', path: '/list/-', value: 3 },
      { op: 'replace', path: '/map/a~1b', value: 10 },
      { op: 'remove', path: '/map/c~0d' },
    ],
    'here',
  );
  assert.deepEqual(output, { list: [1, 2, 3], map: { 'a/b': 10 } });
  assert.deepEqual(input, { list: [1, 2], map: { 'a/b': 1, 'c~d': 2 } });
});

test('replaces in place, keeping the order of keys', () => {
  const output = applyJsonPatch({ a: 1, b: 2, c: 3 }, [{ op: 'replace', path: '/b', value: 0 }], 'here');
  assert.deepEqual(Object.keys(output as object), ['a', 'b', 'c']);
});

const failures: Array<[string, Parameters<typeof applyJsonPatch>[1], RegExp]> = [
  ['removing a missing key', [{ op: 'remove', path: '/nope' }], /no "nope" at the document root/],
  [
    'replacing past the end of a list',
    [{ op: 'replace', path: '/list/5', value: 1 }],
    /index "5" is out of range/,
  ],
  ['a pointer without a leading slash', [{ op: 'add', path: 'list', value: 1 }], /not a JSON pointer/],
  ['moving a value into itself', [{ op: 'move', from: '/list', path: '/list/0' }], /into its own child/],
  ['a test that does not hold', [{ op: 'test', path: '/list/0', value: 2 }], /expected 2, found 1/],
];
for (const [what, ops, message] of failures) {
  test(`fails in one line naming the op on ${what}`, () => {
    assert.throws(
      () => applyJsonPatch({ list: [1] }, [{ op: 'test', path: '/list/0', value: 1 }, ...ops], 'k.yaml'),
      (error: unknown) =>
        error instanceof ManifestError &&
        /^k\.yaml: patch op 2 \(/.test(error.message) &&
        message.test(error.message),
    );
  });
}
