import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../../loadtest/flags/usageError.js';
import {
  checkRequestShape,
  formatStatuses,
  formatVersionFrom,
  matchesStatus,
  parseExpectedStatuses,
  parseVersionFrom,
  SAMPLE_REQUEST,
  versionInBody,
} from '../../loadtest/requestShape.js';

/** Asserts `fn` throws a UsageError of one line matching `message`. */
function usageError(fn: () => unknown, message: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof UsageError, String(error));
    assert.equal(error.message.split('\n').length, 1);
    assert.match(error.message, message);
    return true;
  });
}

test('reads the version from a header (lowercased, as Node hands headers over), a body regex, or nowhere', () => {
  assert.deepEqual(parseVersionFrom('header:X-Build'), { from: 'header', name: 'x-build' });
  assert.deepEqual(parseVersionFrom('body:"version":"([^"]+)"'), {
    from: 'body',
    pattern: '"version":"([^"]+)"',
  });
  assert.deepEqual(parseVersionFrom('body:v\\d+'), { from: 'body', pattern: 'v\\d+' });
  assert.deepEqual(parseVersionFrom('none'), { from: 'none' });
  for (const text of ['header:x-app-version', 'body:a:(b)', 'none'])
    assert.equal(formatVersionFrom(parseVersionFrom(text)), text);
});

test('a version source that is none of the three is one plain line naming the flag', () => {
  usageError(
    () => parseVersionFrom('body:('),
    /^--version-from body:\( is not a valid regular expression: Unterminated group$/,
  );
  usageError(
    () => parseVersionFrom('header:X App'),
    /^--version-from header:X App: "X App" is not a header name$/,
  );
  for (const text of ['', 'header', 'header:', 'body:', 'cookie:v', 'None'])
    usageError(
      () => parseVersionFrom(text),
      /^--version-from must be header:NAME, body:REGEX or none, got "/,
    );
});

test('a body gives its first capture group, else the whole match, and null when nothing matches', () => {
  assert.equal(versionInBody(/"version":"([^"]+)"/, '{"version":"2.1.0","ok":true}'), '2.1.0');
  assert.equal(versionInBody(/v\d+/, 'hello from v2'), 'v2');
  assert.equal(versionInBody(/v(\d+)/, 'no version here'), null);
  assert.equal(versionInBody(/(a)|(b)/, 'b'), null, 'the first group took no part in the match');
});

test('expected statuses are 2xx and 3xx classes or codes, and a status matches either', () => {
  const set = parseExpectedStatuses('2xx,302');
  assert.deepEqual(set, { classes: [2], codes: [302] });
  assert.deepEqual(
    [200, 204, 299, 302, 301, 404, 500].map((s) => matchesStatus(set, s)),
    [true, true, true, true, false, false, false],
  );
  assert.deepEqual(parseExpectedStatuses('204, 200,200'), { classes: [], codes: [200, 204] });
  assert.equal(formatStatuses(parseExpectedStatuses('3xx,2xx')), '2xx,3xx');
  assert.equal(formatStatuses(SAMPLE_REQUEST.expect), '200');
});

test('expected statuses that are not statuses, or are 4xx or 5xx, are one plain line', () => {
  for (const text of ['', 'ok', '2xx,', '20', '2000', '6xx'])
    usageError(
      () => parseExpectedStatuses(text),
      /^--expect must be statuses such as 2xx,3xx or 200,204, got "/,
    );
  usageError(() => parseExpectedStatuses('2xx,404'), /^--expect 404: only 2xx and 3xx answers can succeed/);
  usageError(() => parseExpectedStatuses('5xx'), /^--expect 5xx: only 2xx and 3xx/);
  usageError(() => parseExpectedStatuses('101'), /^--expect 101: only 2xx and 3xx/);
});

test('a HEAD goes with neither a body version nor the POSTs of a mix, and a path starts with /', () => {
  const head = { ...SAMPLE_REQUEST, method: 'HEAD' as const };
  checkRequestShape(head);
  checkRequestShape(head, { get: 100, post: 0 });
  checkRequestShape(SAMPLE_REQUEST, { get: 80, post: 20 });
  usageError(
    () => checkRequestShape({ ...head, versionFrom: { from: 'body', pattern: 'v' } }),
    /^--version-from body:REGEX does not go with --method HEAD: a HEAD answer has no body$/,
  );
  usageError(
    () => checkRequestShape(head, { get: 80, post: 20 }),
    /^--mix .* does not go with --method HEAD$/,
  );
  usageError(
    () => checkRequestShape({ ...SAMPLE_REQUEST, path: 'health' }),
    /must start with \/, got "health"/,
  );
});
