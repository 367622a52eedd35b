import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import readline from 'node:readline';

/** The compiled service entry, as `npm start` runs it. */
export const SERVICE_ENTRY = path.resolve(import.meta.dirname, '../../service/main.js');

export interface ServiceProcess {
  child: ChildProcess;
  port: number;
  baseUrl: string;
  /** Parsed JSON log lines so far. */
  logs: Array<Record<string, unknown>>;
  stderr: () => string;
  /** Resolves with the exit code (or the signal name) once the process has exited. */
  exited: Promise<number | string>;
}

/** Starts the service as a child process on a free port and resolves once it logs "ready". */
export async function startService(
  env: Record<string, string> = {},
  timeoutMs = 10_000,
  entry = SERVICE_ENTRY,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: Array<Record<string, unknown>> = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const exited = once(child, 'exit').then(([code, signal]) => (code ?? signal) as number | string);
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`service not ready in ${timeoutMs} ms: ${stderr}`)),
      timeoutMs,
    );
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const entry = JSON.parse(line) as Record<string, unknown>;
      logs.push(entry);
      if (entry.msg === 'ready') {
        clearTimeout(timer);
        resolve(entry.port as number);
      }
    });
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`service exited with ${code} before ready: ${stderr}`));
    });
  });
  const port = await ready;
  return { child, port, baseUrl: `http://127.0.0.1:${port}`, logs, stderr: () => stderr, exited };
}

/** Runs the service to completion (for settings that stop it at start-up). */
export async function runServiceToExit(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, [SERVICE_ENTRY], {
    env: { PATH: process.env.PATH, PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  child.stdout.on('data', (chunk) => (stdout += chunk));
  // 'close', not 'exit': the process may exit before its last output has been read.
  const [code] = (await once(child, 'close')) as [number | null];
  return { code, stderr, stdout };
}
