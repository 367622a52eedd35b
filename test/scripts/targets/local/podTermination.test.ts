import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';

import type { PreStop } from '../../../../scripts/manifests/containerSettings.js';
import { startContainer, type ContainerProcess } from '../../../../scripts/targets/local/podProcess.js';
import {
  terminateContainer,
  type TerminationOptions,
} from '../../../../scripts/targets/local/podTermination.js';

type Exit = { code: number | null; signal: NodeJS.Signals | null };

/**
 * A container that records which signals it got and when (ms since it was made). On SIGTERM it exits
 * after `exitAfterTermMs`, or never ('ignore'); SIGKILL ends it at once, as it would a process.
 */
function fakeContainer(options: { exitAfterTermMs: number | 'ignore'; exitsOnItsOwnAtMs?: number }) {
  const start = performance.now();
  const signals: Array<{ signal: NodeJS.Signals; atMs: number }> = [];
  const timers: NodeJS.Timeout[] = [];
  let hasExited = false;
  let resolveExit: (exit: Exit) => void = () => {};
  const exited = new Promise<Exit>((resolve) => (resolveExit = resolve));
  const exit = (exit: Exit) => {
    if (hasExited) return;
    hasExited = true;
    timers.forEach(clearTimeout);
    resolveExit(exit);
  };
  if (options.exitsOnItsOwnAtMs !== undefined) {
    timers.push(setTimeout(() => exit({ code: 0, signal: null }), options.exitsOnItsOwnAtMs));
  }
  const container: ContainerProcess = {
    pid: undefined,
    exited,
    get hasExited() {
      return hasExited;
    },
    signal(signal) {
      if (hasExited) return;
      signals.push({ signal, atMs: performance.now() - start });
      if (signal === 'SIGKILL') exit({ code: null, signal: 'SIGKILL' });
      else if (options.exitAfterTermMs !== 'ignore') {
        timers.push(setTimeout(() => exit({ code: 0, signal: null }), options.exitAfterTermMs));
      }
    },
  };
  return { container, signals, start };
}

async function terminate(
  options: Omit<TerminationOptions, 'env' | 'onStep'> & { env?: Record<string, string> },
) {
  const steps: string[] = [];
  const startedAt = performance.now();
  const result = await terminateContainer({ env: {}, ...options, onStep: (step) => steps.push(step) });
  return { result, steps, elapsedMs: performance.now() - startedAt };
}

const sleep = (seconds: number): PreStop => ({ type: 'sleep', seconds });
/**
 * Timer slack for the fake containers: their signals are timed by this process's own timers, with no
 * process start in between; on a busy 2-core machine a timer can fire this late.
 */
const SLACK_MS = 250;
/** A bound on each test: a termination that never ends fails its test instead of hanging the run. */
const BOUND = { timeout: 30_000 };

/** Node's timers run on the loop's whole-millisecond clock: one can fire a hair early by performance.now(). */
const EARLY_MS = 2;

function assertBetween(value: number, low: number, high: number, what: string) {
  assert.ok(
    value >= low - EARLY_MS && value < high,
    `${what}: ${value.toFixed(0)} ms, expected ${low} to ${high} ms`,
  );
}

test('with no preStop, SIGTERM comes at once and a container that exits is not killed', BOUND, async () => {
  const { container, signals } = fakeContainer({ exitAfterTermMs: 50 });
  const { result, steps } = await terminate({ container, preStop: { type: 'none' }, gracePeriodSeconds: 5 });
  assert.deepEqual(result, { code: 0, signal: null, killed: false });
  assert.deepEqual(steps, ['SIGTERM']);
  assert.deepEqual(
    signals.map((s) => s.signal),
    ['SIGTERM'],
  );
  assertBetween(signals[0]!.atMs, 0, SLACK_MS, 'SIGTERM');
});

test('a preStop sleep runs before SIGTERM: the signal comes no sooner than the sleep', BOUND, async () => {
  const { container, signals } = fakeContainer({ exitAfterTermMs: 50 });
  const { result, steps } = await terminate({ container, preStop: sleep(0.4), gracePeriodSeconds: 5 });
  assert.deepEqual(result, { code: 0, signal: null, killed: false });
  assert.deepEqual(steps, ['preStop: sleep 0.4 s', 'SIGTERM']);
  assert.deepEqual(
    signals.map((s) => s.signal),
    ['SIGTERM'],
  );
  assertBetween(signals[0]!.atMs, 400, 400 + SLACK_MS, 'SIGTERM');
});

test('a container that exits during preStop gets no signal at all', BOUND, async () => {
  const { container, signals } = fakeContainer({ exitAfterTermMs: 50, exitsOnItsOwnAtMs: 100 });
  const { result, elapsedMs } = await terminate({ container, preStop: sleep(1), gracePeriodSeconds: 5 });
  assert.deepEqual(result, { code: 0, signal: null, killed: false });
  assert.deepEqual(signals, []);
  assertBetween(elapsedMs, 100, 100 + SLACK_MS, 'done once the container exited');
});

test(
  'preStop longer than the grace period: a one-off 2 s extension, SIGTERM at the deadline, SIGKILL 2 s later',
  BOUND,
  async () => {
    const { container, signals } = fakeContainer({ exitAfterTermMs: 'ignore' });
    const { result, steps } = await terminate({ container, preStop: sleep(3), gracePeriodSeconds: 0.5 });
    assert.deepEqual(result, { code: null, signal: 'SIGKILL', killed: true });
    assert.deepEqual(
      signals.map((s) => s.signal),
      ['SIGTERM', 'SIGKILL'],
    );
    assertBetween(signals[0]!.atMs, 500, 500 + SLACK_MS, 'SIGTERM at the grace deadline');
    assertBetween(signals[1]!.atMs, 2500, 2500 + SLACK_MS, 'SIGKILL after the extension');
    assert.match(steps.join(' → '), /preStop: sleep 3 s → .*one-off 2 s extension → SIGTERM → SIGKILL/);
  },
);

test(
  'a preStop that ends just before the deadline still leaves SIGTERM 2 s before SIGKILL',
  BOUND,
  async () => {
    // kuberuntime_container.go: after preStop, "always give containers a minimal shutdown window to avoid
    // unnecessary SIGKILLs" (minimumGracePeriodInSeconds = 2).
    const { container, signals } = fakeContainer({ exitAfterTermMs: 'ignore' });
    const { result } = await terminate({ container, preStop: sleep(0.6), gracePeriodSeconds: 0.8 });
    assert.equal(result.killed, true);
    assertBetween(signals[0]!.atMs, 600, 600 + SLACK_MS, 'SIGTERM after preStop');
    assertBetween(signals[1]!.atMs - signals[0]!.atMs, 2000, 2000 + SLACK_MS, 'SIGTERM to SIGKILL');
  },
);

test(
  'an exec preStop runs its command with the container environment only, before SIGTERM',
  BOUND,
  async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'prestop-'));
    try {
      const out = path.join(dir, 'out');
      const { container, signals } = fakeContainer({ exitAfterTermMs: 20 });
      const { result, steps } = await terminate({
        container,
        preStop: {
          type: 'exec',
          command: ['/bin/sh', '-c', 'sleep 0.3; printf "%s %s" "$POD_NAME" "${HOME:-no-home}" > "$OUT"'],
        },
        env: { POD_NAME: 'hello-v1-7', OUT: out },
        gracePeriodSeconds: 5,
      });
      assert.equal(result.killed, false);
      assert.equal(fs.readFileSync(out, 'utf8'), 'hello-v1-7 no-home', "the harness's HOME does not leak in");
      assert.equal(
        steps[0],
        `preStop: exec /bin/sh -c sleep 0.3; printf "%s %s" "$POD_NAME" "\${HOME:-no-home}" > "$OUT"`,
      );
      assertBetween(signals[0]!.atMs, 300, 300 + 2 * SLACK_MS, 'SIGTERM after the command finished');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  },
);

// A real process that ignores SIGTERM: only SIGKILL at the grace deadline ends it.
const SCRIPT = `
process.on('SIGTERM', () => console.log('SIGTERM ignored'));
console.log('handler installed');
setInterval(() => {}, 1000);
`;

let dir = '';
before(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pod-termination-'));
  fs.writeFileSync(path.join(dir, 'ignore-sigterm.mjs'), SCRIPT);
});
after(() => fs.rmSync(dir, { recursive: true, force: true }));

async function waitForLog(file: string, text: string, timeoutMs: number) {
  const deadline = performance.now() + timeoutMs;
  while (!(fs.existsSync(file) && fs.readFileSync(file, 'utf8').includes(text))) {
    assert.ok(performance.now() < deadline, `"${text}" not in ${file} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test(
  'a real process that ignores SIGTERM is killed at the grace deadline, counted from the start of preStop',
  BOUND,
  async () => {
    const logFile = path.join(dir, 'ignore.log');
    const real = startContainer({ entry: path.join(dir, 'ignore-sigterm.mjs'), env: {}, logFile });
    // SIGTERM before the handler is installed would end it: wait until it says so (bounded).
    await waitForLog(logFile, 'handler installed', 30_000);
    const signals: Array<{ signal: NodeJS.Signals; atMs: number }> = [];
    const start = performance.now();
    const container: ContainerProcess = {
      pid: real.pid,
      exited: real.exited,
      get hasExited() {
        return real.hasExited;
      },
      signal(signal) {
        signals.push({ signal, atMs: performance.now() - start });
        real.signal(signal);
      },
    };
    // preStop 0.5 s, grace 3.5 s: the deadline is 3.5 s from the start. Counted from SIGTERM instead, it
    // would be 4 s, a whole grace period after SIGTERM.
    const { result } = await terminate({ container, preStop: sleep(0.5), gracePeriodSeconds: 3.5 });
    assert.ok(real.hasExited, 'resolved once the process was gone');
    assert.deepEqual(result, { code: null, signal: 'SIGKILL', killed: true });
    assert.deepEqual(
      signals.map((s) => s.signal),
      ['SIGTERM', 'SIGKILL'],
    );
    const [sigterm, sigkill] = [signals[0]!.atMs, signals[1]!.atMs];
    assertBetween(sigterm, 500, 3500, 'SIGTERM after preStop, before the deadline');
    assert.ok(sigkill >= 3500 - EARLY_MS, `SIGKILL ${sigkill.toFixed(0)} ms in, before the 3.5 s deadline`);
    assert.ok(
      sigkill - sigterm < 3500,
      `SIGKILL ${(sigkill - sigterm).toFixed(0)} ms after SIGTERM: the grace period counted from SIGTERM`,
    );
    await waitForLog(logFile, 'SIGTERM ignored', 30_000);
    assert.throws(() => process.kill(real.pid!, 0), { code: 'ESRCH' });
  },
);
