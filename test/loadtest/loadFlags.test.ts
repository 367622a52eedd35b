import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLoadFlags } from '../../loadtest/loadFlags.js';
import { SAMPLE_REQUEST } from '../../loadtest/requestShape.js';

const NEEDED = ['--url', 'http://127.0.0.1:1/', '--rate', '5', '--duration', '2', '--out', '/tmp/x'];

test('load needs --url, --rate, --duration and --out; --help needs none of them', () => {
  assert.equal(parseLoadFlags(['--help']), null);
  for (let i = 0; i < NEEDED.length; i += 2) {
    const without = [...NEEDED.slice(0, i), ...NEEDED.slice(i + 2)];
    assert.throws(() => parseLoadFlags(without), new RegExp(`^UsageError: ${NEEDED[i]} \\S+ is required`));
  }
});

test('--timeout is in seconds, as in demo:rollout, and defaults to 10', () => {
  assert.equal(parseLoadFlags(NEEDED)!.timeoutMs, 10_000);
  assert.equal(parseLoadFlags([...NEEDED, '--timeout', '2.5'])!.timeoutMs, 2500);
  assert.throws(
    () => parseLoadFlags([...NEEDED, '--timeout', '10000']),
    /^UsageError: Invalid --timeout "10000": expected seconds from 0\.1 to 600\.$/,
  );
});

test('--url must be http://, and --streams needs --streams-out', () => {
  assert.throws(
    () => parseLoadFlags(['--url', 'ftp://x', ...NEEDED.slice(2)]),
    /^UsageError: Invalid --url "ftp:\/\/x": expected an http:\/\/ URL\.$/,
  );
  assert.throws(() => parseLoadFlags([...NEEDED, '--streams', '2']), /--streams needs --streams-out FILE/);
  assert.equal(parseLoadFlags([...NEEDED, '--streams', '2', '--streams-out', '/tmp/s'])!.streams, 2);
});

test('asks GET for the path and query of --url, expects 200 and reads X-App-Version unless told otherwise', () => {
  assert.deepEqual(parseLoadFlags(NEEDED)!.request, SAMPLE_REQUEST);
  const flags = parseLoadFlags([
    ...['--url', 'http://127.0.0.1:1/health?deep=1', ...NEEDED.slice(2)],
    ...['--method', 'HEAD', '--expect', '2xx,3xx', '--version-from', 'header:X-Build'],
  ])!;
  assert.deepEqual(flags.request, {
    method: 'HEAD',
    path: '/health?deep=1',
    expect: { classes: [2, 3], codes: [] },
    versionFrom: { from: 'header', name: 'x-build' },
  });
});

test('a bad --method, --expect or --version-from, or one that contradicts another flag, is one UsageError line', () => {
  for (const [args, message] of [
    [['--method', 'POST'], /^UsageError: Invalid --method "POST": expected GET, HEAD\.$/],
    [['--expect', '2xx,404'], /^UsageError: --expect 404: only 2xx and 3xx answers can succeed/],
    [['--version-from', 'body:('], /^UsageError: --version-from body:\( is not a valid regular expression: /],
    [
      ['--method', 'HEAD', '--mix', 'get:80,post:20'],
      /^UsageError: --mix .* does not go with --method HEAD$/,
    ],
    [
      ['--method', 'HEAD', '--version-from', 'body:v\\d'],
      /^UsageError: --version-from body:REGEX does not go/,
    ],
  ] as const) {
    assert.throws(
      () => parseLoadFlags([...NEEDED, ...args]),
      (error: Error) => {
        assert.match(String(error), message);
        assert.equal(error.message.split('\n').length, 1);
        return true;
      },
    );
  }
});
