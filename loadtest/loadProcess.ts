import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import type { NdjsonTail } from './ndjsonTail.js';

/** How a load process ended: its code or signal, when, and the spawn error if it never ran. */
export interface LoadProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  at: number;
  error?: Error;
}

export interface LoadProcessOptions {
  command: string;
  args: readonly string[];
  env?: NodeJS.ProcessEnv;
  /** Opened for appending: the caller decides whether it starts empty. Takes stderr, and stdout unless piped. */
  logFile: string;
  /** 'pipe' leaves stdout to the caller (child.stdout); 'log' sends it to the log file. */
  stdout: 'log' | 'pipe';
  /** The samples file the process appends to, read every pollIntervalMs while it runs. */
  tail: NdjsonTail;
  pollIntervalMs: number;
}

export interface StopPlan {
  /** The signal that asks the process to end on its own (the load tool: SIGTERM; k6: SIGINT). */
  signal: NodeJS.Signals;
  /** How long it may take before SIGKILL. */
  graceMs: number;
  /** How long to wait after SIGKILL; forever when absent. */
  killWaitMs?: number;
}

/** A load generator's child process, from spawn to the last line of its samples file. */
export interface LoadProcess {
  readonly child: ChildProcess;
  readonly spawnedAt: number;
  /** Resolves once markStarted() is called or the process has exited, whichever comes first. */
  readonly started: Promise<void>;
  readonly exited: Promise<void>;
  markStarted(): void;
  exit(): LoadProcessExit | null;
  /**
   * Asks the process to end (the plan's signal, then SIGKILL), then reads the samples file to its end.
   * Resolves with when the signal was sent, or null when the process had already exited. Once only.
   */
  stop(plan: StopPlan): Promise<number | null>;
}

/**
 * Spawns a load generator in its own process group, so a Ctrl-C in the terminal reaches only the harness,
 * which then stops the generator once (a second signal would kill k6 without its summary). When the harness
 * itself exits first (a second Ctrl-C), the child is killed on the way out, or it would go on loading the
 * Service with nobody reading.
 */
export function startLoadProcess(options: LoadProcessOptions): LoadProcess {
  const log = openSync(options.logFile, 'a');
  const spawnedAt = Date.now();
  let child: ChildProcess;
  try {
    const stdio = ['ignore', options.stdout === 'pipe' ? 'pipe' : log, log] as const;
    child = spawn(options.command, options.args, { env: options.env, stdio: [...stdio], detached: true });
  } finally {
    closeSync(log);
  }
  let exit: LoadProcessExit | null = null;
  const started = deferred();
  const exited = deferred();
  const killOnExit = () => child.kill('SIGKILL');
  const onExit = (code: number | null, signal: NodeJS.Signals | null, error?: Error) => {
    if (exit !== null) return;
    exit = { code, signal, at: Date.now(), ...(error ? { error } : {}) };
    process.removeListener('exit', killOnExit);
    started.resolve();
    exited.resolve();
  };
  child.once('error', (error) => onExit(null, null, error));
  child.once('exit', (code, signal) => onExit(code, signal));
  process.once('exit', killOnExit);
  const poller = setInterval(() => void options.tail.poll().catch(() => undefined), options.pollIntervalMs);
  poller.unref();
  let stopping: Promise<number | null> | null = null;
  return {
    child,
    spawnedAt,
    started: started.promise,
    exited: exited.promise,
    markStarted: started.resolve,
    exit: () => exit,
    stop(plan) {
      stopping ??= (async () => {
        const signalledAt = exit === null ? await signalAndWait(child, exited.promise, plan) : null;
        clearInterval(poller);
        await options.tail.finish();
        return signalledAt;
      })();
      return stopping;
    },
  };
}

async function signalAndWait(child: ChildProcess, exited: Promise<void>, plan: StopPlan): Promise<number> {
  const signalledAt = Date.now();
  child.kill(plan.signal);
  if (!(await within(exited, plan.graceMs))) {
    child.kill('SIGKILL');
    if (plan.killWaitMs === undefined) await exited;
    else await within(exited, plan.killWaitMs);
  }
  return signalledAt;
}

/** Whether `promise` settles within `ms`; the timer is cleared either way, so it holds no process open. */
export async function within(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const inTime = await Promise.race([
    promise.then(() => true),
    new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms))),
  ]);
  clearTimeout(timer);
  return inTime;
}

/** A promise and the function that resolves it, for a moment another party decides. */
export function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => undefined;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
