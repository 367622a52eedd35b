import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import {
  createCommandRunner,
  createDryRunner,
  quoteForDisplay,
} from '../../../scripts/cluster/commandRunner.js';
import { tempDir } from '../../support/runCli.js';

test('runs a command without a shell and records it', async () => {
  const runner = createCommandRunner({ cwd: process.cwd() });
  const result = await runner.run(process.execPath, [
    '-e',
    'process.stdout.write(process.argv[1])',
    '$HOME; echo hi',
  ]);
  assert.deepEqual(result, { code: 0, stdout: '$HOME; echo hi', stderr: '' });
  assert.equal(runner.history.length, 1);
});

test('answers 127 when the executable is not on PATH', async () => {
  const result = await createCommandRunner({ cwd: process.cwd() }).run('no-such-tool-here', []);
  assert.equal(result.code, 127);
  assert.equal(result.stderr, 'no-such-tool-here: not found on PATH');
});

test('passes the exit code and stderr of a failing command, and feeds stdin', async () => {
  const runner = createCommandRunner({ cwd: process.cwd() });
  const script =
    'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stderr.write(s);process.exit(3)})';
  const result = await runner.run(process.execPath, ['-e', script], { input: 'kind: Deployment' });
  assert.equal(result.code, 3);
  assert.equal(result.stderr, 'kind: Deployment');
});

test('a dry run prints each command and runs nothing', async () => {
  const lines: string[] = [];
  const runner = createDryRunner(
    (line) => lines.push(line),
    () => ({ code: 0, stdout: 'canned', stderr: '' }),
  );
  const result = await runner.run('kubectl', ['apply', '-f', '-'], {
    input: 'x',
    inputLabel: 'k8s/overlays/v1 rendered',
  });
  assert.equal(result.stdout, 'canned');
  assert.deepEqual(lines, ['$ kubectl apply -f - < k8s/overlays/v1 rendered']);
});

test('quotes only what a shell would misread', () => {
  assert.equal(quoteForDisplay('--timeout=300s'), '--timeout=300s');
  assert.equal(quoteForDisplay('{{.ServerVersion}}'), "'{{.ServerVersion}}'");
  assert.equal(quoteForDisplay("it's"), "'it'\\''s'");
});

test('hands each line to onLine as the command prints it, while the command still runs', async () => {
  // The command prints "one", then waits until the test has seen that line (a file appears), then ends:
  // if lines came only at the end, it would wait until it is killed.
  const seenOne = path.join(tempDir('runner-'), 'seen-one');
  const script = `process.stdout.write("one\\n");process.stderr.write("two\\n");
    const wait=()=>require("fs").existsSync(${JSON.stringify(seenOne)})?process.stdout.write("three"):setTimeout(wait,10);wait()`;
  const lines: string[] = [];
  const result = await createCommandRunner({ cwd: process.cwd() }).run(process.execPath, ['-e', script], {
    timeoutMs: 20_000,
    onLine(line) {
      lines.push(line);
      if (line === 'one') fs.writeFileSync(seenOne, '');
    },
  });
  assert.equal(result.code, 0, 'ended on its own, after the test saw its first line');
  assert.deepEqual(
    [...lines].sort(),
    ['one', 'three', 'two'],
    'stdout and stderr lines, the unterminated last one too',
  );
  assert.equal(result.stdout, 'one\nthree', 'the result still holds the whole output');
});

test('a command its caller stops (a followed log) answers 130 with what it printed until then', async () => {
  const stop = new AbortController();
  const script = 'process.stdout.write("order 1\\n");setInterval(()=>{},1000)';
  const result = await createCommandRunner({ cwd: process.cwd() }).run(process.execPath, ['-e', script], {
    timeoutMs: 20_000,
    signal: stop.signal,
    onLine: (line) => line === 'order 1' && stop.abort(),
  });
  assert.equal(result.code, 130);
  assert.equal(result.stdout, 'order 1\n');
});
