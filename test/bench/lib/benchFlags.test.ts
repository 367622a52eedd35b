import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

// Compiled to dist/test/bench/lib/, so dist/bench/ is three folders up.
const bench = (entry: string) => path.resolve(import.meta.dirname, '../../../bench', entry);
const run = (entry: string, args: string[]) =>
  // spawnSync blocks the event loop, so the test's own timeout could not fire: it needs a bound of its own.
  spawnSync(process.execPath, [bench(entry), ...args], { encoding: 'utf8', timeout: 20_000 });

test('a benchmark given a flag it does not take says so in one line and exits 2, before it measures anything', () => {
  for (const [entry, name] of [
    ['lifecycle.js', 'bench:lifecycle'],
    ['benchPeers.js', 'bench:peers'],
    ['serviceCapacity.js', 'bench:service'],
  ] as const) {
    const result = run(entry, ['--quik']);
    assert.equal(result.status, 2, result.stderr);
    assert.equal(result.stderr, `${name}: Unknown option '--quik'. See --help.\n`);
  }
  const badRate = run('serviceCapacity.js', ['--rates', '500,lots']);
  assert.equal(badRate.status, 2, badRate.stderr);
  assert.equal(
    badRate.stderr,
    'bench:service: Invalid --rates "lots": expected requests per second from 1 to 20000.\n',
  );
});

test('--help shows the flags of the table, and exits 0 without measuring', () => {
  const result = run('serviceCapacity.js', ['--help']);
  assert.equal(result.status, 0, result.stderr);
  assert.match(
    result.stdout,
    /^Usage: npm run bench:service -- \[--quick\] \[--rates N,N\] \[--step-seconds S\]$/m,
  );
  assert.match(result.stdout, /^ {2}--quick +a brief run/m);
});
