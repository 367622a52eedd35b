/**
 * What the local target's L4 balancer costs: the same closed-loop load, in one run, straight to a
 * fast node:http backend (immediate 200) and through the balancer to it, with keep-alive and with a
 * new connection per request. Prints and writes bench/results/balancer.json.
 *
 * The backend and the balancer each run in their own process, as pods and the harness do, so the
 * load loop here doesn't share an event loop with either. The numbers are relative: the loop
 * competes with both for this machine's cores, equally in both columns.
 *
 *   npm run bench:balancer
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { Pool } from 'undici';

const PHASE_MS = 3000;
const WARMUP_MS = 500;
const CONCURRENCY = 10;
const MAX_REQUESTS_PER_PHASE = 200_000;

const backendScript = `
  import http from 'node:http';
  const server = http.createServer((req, res) => res.end('ok'));
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(server.address().port));
`;

const balancerScript = (backendPort: number): string => `
  const { createBalancer } = await import(${JSON.stringify(fileURLToPath(new URL('../scripts/local/balancer.js', import.meta.url)))});
  const balancer = createBalancer({ endpoints: { current: () => [{ pod: 'backend', port: ${backendPort} }] } });
  console.log(await balancer.listen());
`;

const children: ChildProcess[] = [];

/** Starts `node -e script` and resolves with the port it prints on its first line. */
async function startChild(script: string): Promise<number> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit')])) as [string];
  clearTimeout(timer);
  const port = Number(line);
  if (!Number.isInteger(port) || port <= 0) throw new Error('a benchmark process did not start');
  return port;
}

interface PhaseResult {
  requests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** CONCURRENCY workers sending GET / back to back for durationMs (and at most MAX_REQUESTS_PER_PHASE). */
async function phase(port: number, keepAlive: boolean, durationMs: number): Promise<PhaseResult> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONCURRENCY, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const startedAt = performance.now();
  const endAt = startedAt + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < endAt && latencies.length + errors < MAX_REQUESTS_PER_PHASE) {
      const t0 = performance.now();
      try {
        // reset: true sends `connection: close` and drops the socket after the answer.
        const res = await pool.request({ method: 'GET', path: '/', reset: !keepAlive });
        await res.body.dump();
        if (res.statusCode === 200) latencies.push(performance.now() - t0);
        else errors += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  const elapsed = performance.now() - startedAt;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    rps: Math.round((latencies.length / elapsed) * 1000),
    p50Ms: Number(percentile(sorted, 50).toFixed(3)),
    p99Ms: Number(percentile(sorted, 99).toFixed(3)),
  };
}

async function compare(directPort: number, balancedPort: number, keepAlive: boolean) {
  await phase(directPort, keepAlive, WARMUP_MS);
  await phase(balancedPort, keepAlive, WARMUP_MS);
  const direct = await phase(directPort, keepAlive, PHASE_MS);
  const balanced = await phase(balancedPort, keepAlive, PHASE_MS);
  return {
    direct,
    balanced,
    throughputRatio: Number((balanced.rps / direct.rps).toFixed(3)),
    addedP50Ms: Number((balanced.p50Ms - direct.p50Ms).toFixed(3)),
    addedP99Ms: Number((balanced.p99Ms - direct.p99Ms).toFixed(3)),
  };
}

async function main(): Promise<void> {
  const backendPort = await startChild(backendScript);
  const balancerPort = await startChild(balancerScript(backendPort));
  const result = {
    benchmark: 'balancerOverhead',
    at: new Date().toISOString(),
    node: process.version,
    cpus: os.cpus().length,
    load: {
      concurrency: CONCURRENCY,
      phaseMs: PHASE_MS,
      closedLoop: true,
      backend: 'node:http, immediate 200',
    },
    keepAlive: await compare(backendPort, balancerPort, true),
    newConnectionPerRequest: await compare(backendPort, balancerPort, false),
  };
  const outDir = fileURLToPath(new URL('../../bench/results/', import.meta.url));
  await mkdir(outDir, { recursive: true });
  await writeFile(`${outDir}balancer.json`, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify(result, null, 2));
}

try {
  await main();
} catch (err) {
  console.error(`bench:balancer failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
}
