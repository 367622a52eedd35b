/**
 * What the local target's L4 balancer costs: the same closed-loop load, in one run, straight to a
 * fast node:http backend (immediate 200) and through the balancer to it, with keep-alive and with a
 * new connection per request. Prints and writes bench/results/balancer.json.
 *
 * The backend and the balancer each run in their own process, as pods and the harness do, so the
 * load loop here doesn't share an event loop with either. The numbers are relative: the loop
 * competes with both for this machine's cores, equally in both columns.
 *
 *   npm run bench:balancer [-- --quick]   (--quick: short phases, CI only, written to balancer.quick.json)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { Pool } from 'undici';

import { judged, quickFlag, startBench } from './benchResult.js';

const quick = quickFlag(process.argv.slice(2), 'bench:balancer');
const PHASE_MS = quick ? 500 : 3000;
const WARMUP_MS = quick ? 100 : 500;
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
  const bench = startBench('balancer', 'Balancer overhead', quick);
  const backendPort = await startChild(backendScript);
  const balancerPort = await startChild(balancerScript(backendPort));
  const keepAlive = await compare(backendPort, balancerPort, true);
  const newConnectionPerRequest = await compare(backendPort, balancerPort, false);
  const figures = [
    judged(
      'keep-alive: throughput through the balancer / direct',
      keepAlive.throughputRatio,
      '×',
      '≥ 0.95×',
      (v) => v >= 0.95,
    ),
    judged('keep-alive: added p50', keepAlive.addedP50Ms, 'ms', '≤ 1 ms', (v) => v <= 1),
    { label: 'keep-alive: added p99', value: keepAlive.addedP99Ms, unit: 'ms' },
    {
      label: 'keep-alive: direct / balanced throughput',
      value: `${keepAlive.direct.rps} / ${keepAlive.balanced.rps}`,
      unit: 'rps',
    },
    judged(
      'new connection per request: throughput ratio',
      newConnectionPerRequest.throughputRatio,
      '×',
      '≥ 0.95×',
      (v) => v >= 0.95,
    ),
    judged(
      'new connection per request: added p50',
      newConnectionPerRequest.addedP50Ms,
      'ms',
      '≤ 1 ms',
      (v) => v <= 1,
    ),
    { label: 'new connection per request: added p99', value: newConnectionPerRequest.addedP99Ms, unit: 'ms' },
    {
      label: 'new connection per request: direct / balanced throughput',
      value: `${newConnectionPerRequest.direct.rps} / ${newConnectionPerRequest.balanced.rps}`,
      unit: 'rps',
    },
  ];
  const notes = [
    `Closed loop, ${CONCURRENCY} connections, ${PHASE_MS} ms per phase, against node:http answering at once ` +
      '(no work), so the proxy hop is the whole difference: a worst case. Backend, balancer and load loop are ' +
      'three processes on the same 2 cores.',
    'What limits the ratio: the balancer is a user-space TCP proxy (kube-proxy forwards in the kernel, with ' +
      'no such hop). Against a backend that does no work, the proxy reads and writes every byte once more ' +
      '(two sockets per connection), so it costs about as much CPU as the backend itself, on cores the ' +
      'backend and the load loop share; a new connection per request adds a second TCP handshake (accept, ' +
      'then connect). Against the service (1–2 s of work) the same hop is invisible: see Lossless at scale. ' +
      'What would move it: in-kernel forwarding (iptables DNAT or IPVS, which needs root and its own network ' +
      'namespace), or more cores (several proxy processes on one port with SO_REUSEPORT).',
  ];
  const out = bench.finish(figures, notes, {
    load: {
      concurrency: CONCURRENCY,
      phaseMs: PHASE_MS,
      closedLoop: true,
      backend: 'node:http, immediate 200',
    },
    keepAlive,
    newConnectionPerRequest,
  });
  console.log(JSON.stringify({ keepAlive, newConnectionPerRequest }, null, 2));
  console.log(`wrote ${out}`);
}

try {
  await main();
} catch (err) {
  console.error(`bench:balancer failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
}
