import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The compiled CLI entry, as `npm run demo:rollout` runs it. */
export const DEMO_ROLLOUT = path.resolve(import.meta.dirname, '../../scripts/demoRollout.js');
/** `npm run prove`'s entry. */
export const PROVE = path.resolve(import.meta.dirname, '../../scripts/prove.js');

export interface CliRun {
  child: ChildProcess;
  /** Everything printed so far. */
  stdout: () => string;
  stderr: () => string;
  /** Resolves once a line matching `pattern` has been printed (rejects after timeoutMs, or at the exit). */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<void>;
  exited: Promise<number | null>;
}

export function startCli(script: string, args: string[], env: NodeJS.ProcessEnv = process.env): CliRun {
  return startProcess(process.execPath, [script, ...args], env);
}

/** Any program, watched as startCli watches the CLI (the cluster's bash scripts, for one). */
export function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv = process.env): CliRun {
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ pattern: RegExp; resolve: () => void; reject: (code: number | null) => void }> = [];
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
    for (const waiter of waiters.filter((w) => w.pattern.test(stdout))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  });
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  // A waiter still waiting when the process exits will never be answered: fail it now, not at its deadline.
  void exited.then((code) => {
    for (const waiter of waiters.splice(0)) waiter.reject(code);
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    waitForOutput(pattern, timeoutMs) {
      if (pattern.test(stdout)) return Promise.resolve();
      if (child.exitCode !== null || child.signalCode !== null)
        return Promise.reject(new Error(`no ${pattern}: exited already:\n${stdout}\n${stderr}`));
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no ${pattern} in ${timeoutMs} ms:\n${stdout}\n${stderr}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
          reject: (code) => {
            clearTimeout(timer);
            reject(new Error(`no ${pattern}: exited with ${code}:\n${stdout}\n${stderr}`));
          },
        });
      });
    },
    exited,
  };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * PIDs of running pod processes of the demo run that writes its report to `outDir`: each pod's output
 * goes to <outDir>/pods/<pod>.log, so its stdout is a file under outDir (Linux /proc). Scoped to one run
 * because other runs (benchmarks, a matrix in another checkout) may have pods of their own right now.
 */
export function runningPodProcesses(outDir: string): number[] {
  const prefix = `${fs.realpathSync(outDir)}${path.sep}`;
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (fs.readlinkSync(`/proc/${entry}/fd/1`).startsWith(prefix)) pids.push(Number(entry));
    } catch {
      // the process went away while we looked, or is not ours to inspect
    }
  }
  return pids;
}
