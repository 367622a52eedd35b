import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLoadFlags } from '../../loadtest/loadFlags.js';

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
