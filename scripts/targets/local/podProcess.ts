import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';

/**
 * One container of a local pod: the compiled service entry run directly by node (not through npm,
 * which would stand between the signal and the app), with the container's environment, its output
 * appended to a log file.
 */
export interface ContainerProcess {
  readonly pid: number | undefined;
  /** Resolves once the process has exited: its exit code, or the signal that ended it. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly hasExited: boolean;
  signal(signal: NodeJS.Signals): void;
}

export interface StartContainerOptions {
  entry: string;
  env: Record<string, string>;
  logFile: string;
}

export function startContainer({ entry, env, logFile }: StartContainerOptions): ContainerProcess {
  const log = fs.openSync(logFile, 'a');
  const child: ChildProcess = spawn(process.execPath, [entry], {
    // Only the container's environment, as in a pod: nothing leaks in from the harness's shell.
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  let hasExited = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      hasExited = true;
      resolve({ code, signal });
    });
    child.once('error', () => {
      hasExited = true;
      resolve({ code: 127, signal: null });
    });
  });
  return {
    pid: child.pid,
    exited,
    get hasExited() {
      return hasExited;
    },
    signal(signal) {
      if (!hasExited) child.kill(signal);
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on right now (the pod's own "IP"). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
