import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import path from 'node:path';
import readline from 'node:readline';
import { until } from './until.js';

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

/**
 * `npm run test:stress` slows every Node.js start through NODE_OPTIONS; the service's environment is
 * otherwise its own, so these are passed on, or its processes would start as fast as ever.
 */
function stressEnv(): Record<string, string> {
  const { NODE_OPTIONS, ZDR_SLOW_START_MS } = process.env;
  return ZDR_SLOW_START_MS === undefined ? {} : { ZDR_SLOW_START_MS, NODE_OPTIONS: NODE_OPTIONS ?? '' };
}

/** Starts the service as a child process on a free port and resolves once it logs "ready". */
export async function startService(
  env: Record<string, string> = {},
  timeoutMs = 30_000,
  entry = SERVICE_ENTRY,
): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [entry], {
    env: { PATH: process.env.PATH, PORT: '0', LOG_LEVEL: 'info', ...stressEnv(), ...env },
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
    env: { PATH: process.env.PATH, PORT: '0', ...stressEnv(), ...env },
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

/** The service's log line whose message starts with `message`, once it has been written (bounded). */
export async function logged(
  service: ServiceProcess,
  message: string,
  withinMs = 30_000,
): Promise<Record<string, unknown> & { time: number }> {
  const find = () => service.logs.find((entry) => String(entry.msg).startsWith(message));
  await until(`the service logging "${message}"`, () => find() !== undefined, withinMs);
  return find() as Record<string, unknown> & { time: number };
}

/**
 * Resolves once the service is serving at least `count` requests (its http_requests_in_flight gauge,
 * less the /metrics request asking): the event a test waits for before it signals, instead of a sleep.
 */
export async function servingAtLeast(
  service: ServiceProcess,
  count: number,
  withinMs = 30_000,
): Promise<void> {
  let serving = 0;
  const deadline = performance.now() + withinMs;
  while (serving < count) {
    if (performance.now() > deadline)
      throw new Error(`not within ${withinMs} ms: the service serving ${count} requests (${serving})`);
    const metrics = await getText(`${service.baseUrl}/metrics`);
    serving = Number(/^http_requests_in_flight (\d+)$/m.exec(metrics)?.[1] ?? 0) - 1;
    if (serving < count) await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One GET on a connection of its own (agent: false), so no idle keep-alive socket is left to the service. */
function getText(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve(body));
      })
      .on('error', reject);
  });
}
