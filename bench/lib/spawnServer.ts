import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface SpawnedServer {
  port: number;
  pid: number;
  /** From just before spawn() to the first 200 on GET /health. */
  readyMs: number;
  /** SIGTERM, then SIGKILL if it has not exited within graceMs. */
  stop(graceMs?: number): Promise<void>;
  /** Resolves when the process exits: its code or signal, and when (performance.now()). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
}

/** A port nothing listens on right now (the kernel picks it; a tiny race before the child binds it). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function healthOnce(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    // agent: false: a fresh connection per probe, as a kubelet probe would make.
    const req = http.get({ host: '127.0.0.1', port, path: '/health', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? null));
    });
    req.on('error', () => resolve(null));
    req.on('timeout', () => req.destroy());
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/**
 * Runs `node [nodeArgs] script` with env (plus PORT) and resolves once GET /health answers 200, polling every
 * 2 ms. Rejects with the child's last output if it exits or is not ready within readyTimeoutMs.
 */
export async function spawnServer(
  script: string,
  env: Record<string, string>,
  readyTimeoutMs = 10_000,
  nodeArgs: string[] = [],
): Promise<SpawnedServer> {
  const port = await freePort();
  let output = '';
  const keep = (chunk: Buffer) => (output = (output + chunk.toString()).slice(-2000));
  const t0 = performance.now();
  const child = spawn(process.execPath, [...nodeArgs, script], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exitedAt = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>(
    (resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: performance.now() })),
  );
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const stop = async (graceMs = 2000) => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited(child);
    clearTimeout(timer);
  };
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `${script} exited (${child.exitCode ?? child.signalCode}) before it was ready: ${output.trim()}`,
      );
    }
    if (performance.now() - t0 > readyTimeoutMs) {
      await stop(0);
      throw new Error(`${script} not ready within ${readyTimeoutMs} ms: ${output.trim()}`);
    }
    const status = await healthOnce(port);
    if (status === 200) {
      return { port, pid: child.pid!, readyMs: performance.now() - t0, stop, exited: exitedAt };
    }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
