import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { configMapHash, goJson, hashSuffix } from '../../../scripts/manifests/configMapHash.js';

// Every expected suffix below is what `kubectl kustomize` (v1.32, kustomize v5.5.0) printed for a
// configMapGenerator entry with these data.
describe('the name hash of a generated ConfigMap', () => {
  test('of a ConfigMap without data is 6ct58987ht', () => {
    assert.equal(configMapHash({}, 'test'), '6ct58987ht');
  });

  test('does not depend on the name, since kustomize hashes the name as ""', () => {
    assert.equal(configMapHash({ metadata: { name: 'app' } }, 'test'), '6ct58987ht');
    assert.equal(configMapHash({ metadata: { name: 'other' } }, 'test'), '6ct58987ht');
  });

  test('covers the data as Go encodes it, with <, > and & escaped', () => {
    const data = { a: '1', b: 'q', c: 'x', d: '<&>', e: 'a=b' };
    assert.equal(configMapHash({ data }, 'test'), '2h4bd5258g');
  });

  test('covers control characters, U+2028 and characters outside the BMP as Go encodes them', () => {
    const data = { k: 'tab\there\bback\fform\u2028line\u0001ctl<&>\u00e9\u{1F600}' };
    assert.equal(configMapHash({ data }, 'test'), '896hmfd4hc');
  });

  test('sorts keys by their UTF-8 bytes, as Go does, not by UTF-16 code units', () => {
    const data = { '\u{1F600}': 'b', '\uFF5E': 'a', z: 'c' };
    assert.equal(configMapHash({ data }, 'test'), '6k82bf7d2g');
  });

  test('covers binaryData when there is any', () => {
    const binaryData = { 'small.bin': Buffer.from('abc\x00\xff', 'latin1').toString('base64') };
    assert.equal(configMapHash({ binaryData }, 'test'), 'tgg6d2k765');
  });

  test('is the hash of the final data, so four keys after a merge and a patch give fbbkf776c9', () => {
    assert.equal(configMapHash({ data: { A: '1', B: '3', C: '4', D: '5' } }, 'test'), 'fbbkf776c9');
  });

  test('keeps 10 hex characters and replaces 0, 1, 3, a and e so it never reads as a number', () => {
    assert.equal(hashSuffix('0123456789abcdef'), 'gh2k456789');
    assert.equal(hashSuffix('aeaeaeaeaeffff'), 'mtmtmtmtmt');
  });

  test('encodes maps with sorted keys and escapes like Go', () => {
    assert.equal(
      goJson({ name: '', kind: 'ConfigMap', data: '<a&b>' }),
      '{"data":"\\u003ca\\u0026b\\u003e","kind":"ConfigMap","name":""}',
    );
  });

  test('refuses data that is not a map of strings, rather than hash it differently from kustomize', () => {
    assert.throws(
      () => configMapHash({ data: { port: 8080 } }, 'ConfigMap app'),
      /ConfigMap app: data must be a map of strings/,
    );
  });
});
