import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { test } from 'node:test';

// Compiled to dist/test/scripts/cli/, so dist/ is four folders up.
const dist = path.resolve(import.meta.dirname, '../../..');
const COMMANDS = [
  { name: 'demo:rollout', entry: 'scripts/demoRollout.js', bad: ['--rate', '0'] },
  { name: 'demo:matrix', entry: 'scripts/demoMatrix.js', bad: ['--only', 'no-such-row'] },
  { name: 'demo:fidelity', entry: 'scripts/demoFidelity.js', bad: ['--context', 'c', '--repeat', '0'] },
  { name: 'load', entry: 'loadtest/loadCli.js', bad: ['--url', 'http://127.0.0.1:1/', '--rate', '5'] },
];

// spawnSync blocks the event loop, so the test's own timeout could not fire: it needs a bound of its own.
const run = (entry: string, args: string[]) =>
  spawnSync(process.execPath, [path.join(dist, entry), ...args], { encoding: 'utf8', timeout: 30_000 });

test('every command answers --help with its usage and exit 0, before it starts anything', () => {
  for (const { name, entry } of COMMANDS) {
    const result = run(entry, ['--help']);
    assert.equal(result.status, 0, `${name}: ${result.stderr}`);
    assert.match(result.stdout, new RegExp(`^Usage: npm run ${name} -- `), name);
    assert.match(result.stdout, /^ {2}-h, --help +show this help$/m, name);
  }
});

test('every command answers bad usage with one plain line naming it, and exit 2', () => {
  for (const { name, entry, bad } of COMMANDS) {
    const result = run(entry, bad);
    assert.equal(result.status, 2, `${name}: ${result.stderr}`);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, new RegExp(`^${name}: `));
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  }
});
