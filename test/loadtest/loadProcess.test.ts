import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { startLoadProcess } from '../../loadtest/loadProcess.js';
import { NdjsonTail } from '../../loadtest/ndjsonTail.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'load-process-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A child that writes two sample lines (the last without its newline), says so, then runs until killed. */
function start(ignoreSigterm: boolean, name: string) {
  const samples = path.join(dir, `${name}.ndjson`);
  const logFile = path.join(dir, `${name}.log`);
  const lines: string[] = [];
  const script = [
    `const fs = require('node:fs');`,
    ignoreSigterm ? `process.on('SIGTERM', () => console.log('ignored SIGTERM'));` : '',
    `fs.writeFileSync(${JSON.stringify(samples)}, '{"n":1}\\n{"n":2}');`,
    `console.log('written');`,
    `setInterval(() => {}, 1000);`,
  ].join('\n');
  const proc = startLoadProcess({
    command: process.execPath,
    args: ['-e', script],
    logFile,
    stdout: 'log',
    tail: new NdjsonTail(samples, (line) => lines.push(line)),
    pollIntervalMs: 50,
  });
  return { proc, lines, logFile };
}

/** Resolves once the log holds `text`: the child's own word that it got there, never a guess at its speed. */
async function untilLogged(logFile: string, text: string): Promise<void> {
  while (!readFileSync(logFile, 'utf8').includes(text)) await new Promise((r) => setTimeout(r, 20));
}

test('stop() sends its signal, and once the child has exited reads the samples file to its last line', async () => {
  const { proc, lines, logFile } = start(false, 'polite');
  await untilLogged(logFile, 'written');
  const signalledAt = await proc.stop({ signal: 'SIGTERM', graceMs: 30_000 });
  assert.equal(typeof signalledAt, 'number');
  assert.equal(proc.exit()?.signal, 'SIGTERM');
  assert.deepEqual(lines, ['{"n":1}', '{"n":2}']);
});

test('a child that ignores the signal is killed with SIGKILL once the grace is over', async () => {
  const { proc, logFile } = start(true, 'stubborn');
  await untilLogged(logFile, 'written');
  await proc.stop({ signal: 'SIGTERM', graceMs: 200, killWaitMs: 30_000 });
  assert.equal(proc.exit()?.signal, 'SIGKILL');
});

test('stop() after the child exited on its own sends nothing and says so (null)', async () => {
  const samples = path.join(dir, 'gone.ndjson');
  const proc = startLoadProcess({
    command: process.execPath,
    args: ['-e', 'process.exit(3)'],
    logFile: path.join(dir, 'gone.log'),
    stdout: 'log',
    tail: new NdjsonTail(samples, () => undefined),
    pollIntervalMs: 50,
  });
  await proc.exited;
  await proc.started; // an exit counts as started: nobody waits for a line that will never come
  assert.equal(await proc.stop({ signal: 'SIGTERM', graceMs: 1000 }), null);
  assert.equal(proc.exit()?.code, 3);
});

test('a command that cannot be spawned ends with its error, not a hang', async () => {
  const proc = startLoadProcess({
    command: path.join(dir, 'no-such-tool'),
    args: [],
    logFile: path.join(dir, 'missing.log'),
    stdout: 'log',
    tail: new NdjsonTail(path.join(dir, 'missing.ndjson'), () => undefined),
    pollIntervalMs: 50,
  });
  await proc.exited;
  assert.equal((proc.exit()?.error as NodeJS.ErrnoException | undefined)?.code, 'ENOENT');
  assert.equal(await proc.stop({ signal: 'SIGTERM', graceMs: 1000 }), null);
});
