import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './spawnServer.js';

export interface RunningHaproxy {
  port: number;
  pid: number;
  version: string;
  stop(): Promise<void>;
}

/** `haproxy -v`'s first line, or null when haproxy is not installed. */
export function haproxyVersion(): string | null {
  const r = spawnSync('haproxy', ['-v'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return null;
  return r.stdout.split('\n')[0]?.trim() ?? null;
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });
}

/**
 * HAProxy in TCP mode (L4, as the balancer and kube-proxy are) in front of one backend, with a config
 * of our own in a temp dir, in the foreground (-db); stop() ends it and removes the config. Its
 * defaults otherwise (one thread per core: that is what a user gets).
 */
export async function startHaproxy(backendPort: number): Promise<RunningHaproxy> {
  const version = haproxyVersion();
  if (version === null) throw new Error('haproxy not found: apt-get install -y haproxy');
  const port = await freePort();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-haproxy-'));
  const config = path.join(dir, 'haproxy.cfg');
  writeFileSync(
    config,
    [
      'global',
      "  # A connection through the proxy holds two fds: stay under this machine's open-file limit.",
      '  maxconn 4096',
      'defaults',
      '  mode tcp',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      'frontend service',
      `  bind 127.0.0.1:${port}`,
      '  default_backend pods',
      'backend pods',
      `  server pod 127.0.0.1:${backendPort}`,
      '',
    ].join('\n'),
  );
  const child = spawn('haproxy', ['-db', '-f', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const t0 = performance.now();
  while (!(await canConnect(port))) {
    if (child.exitCode !== null || performance.now() - t0 > 5000) {
      await stop();
      throw new Error(`haproxy did not start: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { port, pid: child.pid!, version, stop };
}
