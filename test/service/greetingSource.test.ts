import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { ConfigError } from '../../service/config.js';
import { configHash, openGreetingSource, type GreetingSource } from '../../service/greetingSource.js';
import { writeConfigMapVolume } from '../../scripts/targets/local/configMapVolume.js';
import { runServiceToExit } from '../support/serviceProcess.js';

const logger = pino({ level: 'silent' });

const volumes: string[] = [];
after(() => volumes.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

/** A fresh directory for a ConfigMap volume, and the path its GREETING key is read from. */
function volume(): { dir: string; file: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'greeting-'));
  volumes.push(dir);
  return { dir, file: path.join(dir, 'GREETING') };
}

/** Polls until the source's greeting satisfies `done`, for at most 30 s (a bound, not a measure). */
async function until(
  source: GreetingSource,
  done: (current: ReturnType<GreetingSource['current']>) => boolean,
) {
  const deadline = performance.now() + 30_000;
  while (!done(source.current())) {
    if (performance.now() > deadline) assert.fail(`still ${JSON.stringify(source.current())}`);
    await sleep(10);
  }
}

test('without GREETING_FILE, answers with GREETING and its hash', () => {
  const source = openGreetingSource({ greeting: 'Howdy', greetingFile: undefined }, logger);
  assert.deepEqual(source.current(), { text: 'Howdy', hash: configHash('Howdy') });
});

test('reads the greeting from the file at start, without its trailing newline', () => {
  const v = volume();
  writeConfigMapVolume(v.dir, { GREETING: 'Hello\n' });
  const source = openGreetingSource({ greeting: 'unused', greetingFile: v.file }, logger);
  assert.deepEqual(source.current(), { text: 'Hello', hash: configHash('Hello') });
  source.close();
});

test(
  'picks up a new greeting when the kubelet swaps the volume, without a restart',
  { timeout: 60_000 },
  async () => {
    const v = volume();
    writeConfigMapVolume(v.dir, { GREETING: 'Hello' });
    const source = openGreetingSource({ greeting: 'unused', greetingFile: v.file }, logger);
    writeConfigMapVolume(v.dir, { GREETING: 'Howdy' });
    await until(source, (current) => 'text' in current && current.text === 'Howdy');
    source.close();
  },
);

test(
  'reports the problem when the key leaves the ConfigMap, and recovers when it comes back',
  { timeout: 60_000 },
  async () => {
    const v = volume();
    writeConfigMapVolume(v.dir, { GREETING: 'Hello' });
    const source = openGreetingSource({ greeting: 'unused', greetingFile: v.file }, logger);
    writeConfigMapVolume(v.dir, { 'greeting.txt': 'Howdy' });
    await until(source, (current) => 'problem' in current);
    assert.deepEqual(source.current(), { problem: 'cannot read it (ENOENT)' });
    writeConfigMapVolume(v.dir, { GREETING: 'Hello again' });
    await until(source, (current) => 'text' in current && current.text === 'Hello again');
    source.close();
  },
);

test(
  'reports invalid content written later as a problem, not as a greeting',
  { timeout: 60_000 },
  async () => {
    const v = volume();
    writeFileSync(v.file, 'Hello');
    const source = openGreetingSource({ greeting: 'unused', greetingFile: v.file }, logger);
    writeFileSync(v.file, 'two\nlines\n');
    await until(source, (current) => 'problem' in current);
    assert.deepEqual(source.current(), { problem: 'expected one line of 1 to 100 printable characters' });
    source.close();
  },
);

test('refuses a missing or invalid file at start as a bad setting', () => {
  const v = volume();
  assert.throws(
    () => openGreetingSource({ greeting: 'unused', greetingFile: v.file }, logger),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message === `Invalid GREETING_FILE=${JSON.stringify(v.file)}: cannot read it (ENOENT).`,
  );
  writeFileSync(v.file, '');
  assert.throws(() => openGreetingSource({ greeting: 'unused', greetingFile: v.file }, logger), ConfigError);
});

test(
  'the service stops at start with one line when GREETING_FILE cannot be read',
  { timeout: 60_000 },
  async () => {
    const { code, stderr } = await runServiceToExit({ GREETING_FILE: '/nonexistent/GREETING' });
    assert.equal(code, 2);
    assert.equal(stderr, 'Invalid GREETING_FILE="/nonexistent/GREETING": cannot read it (ENOENT).\n');
  },
);
