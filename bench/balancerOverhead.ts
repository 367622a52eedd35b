/**
 * What the local target's L4 balancer costs, beside HAProxy in TCP mode (the peer a user would reach
 * for): the same closed-loop load, in one run, straight to a fast node:http backend (immediate 200),
 * through the balancer and through HAProxy to it, with keep-alive and with a new connection per
 * request. Prints and writes bench/results/balancer.json.
 *
 * The backend, the balancer and HAProxy each run in their own process, as pods and the harness do, so
 * the load loop here doesn't share an event loop with any of them. The numbers are relative: the loop
 * competes with them for this machine's cores, equally in every column; the three are measured in
 * rounds, who goes first rotating, and each figure is the median of the rounds.
 *
 *   npm run bench:balancer [-- --quick]   (--quick: short phases, CI only, written to balancer.quick.json)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import os from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { judged, quickFlag, round, startBench, type Figure } from './benchResult.js';
import { closedLoopPhase, type PhaseResult } from './closedLoopPhase.js';
import { startHaproxy, type RunningHaproxy } from './haproxy.js';

const quick = quickFlag(process.argv.slice(2), 'bench:balancer');
const PHASE_MS = quick ? 500 : 3000;
const WARMUP_MS = quick ? 100 : 500;
const CONCURRENCY = 10;
const ROUNDS = quick ? 1 : 3;

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

let haproxy: RunningHaproxy | undefined;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

function medianOf(runs: PhaseResult[]): PhaseResult {
  const pick = (k: keyof PhaseResult) => median(runs.map((r) => r[k]));
  return {
    requests: pick('requests'),
    errors: pick('errors'),
    rps: pick('rps'),
    p50Ms: pick('p50Ms'),
    p99Ms: pick('p99Ms'),
  };
}

type Column = 'direct' | 'balancer' | 'haproxy';

async function compare(ports: Record<Column, number>, keepAlive: boolean) {
  const columns = Object.keys(ports) as Column[];
  for (const c of columns) await closedLoopPhase(ports[c], keepAlive, WARMUP_MS, CONCURRENCY);
  const runs: Record<Column, PhaseResult[]> = { direct: [], balancer: [], haproxy: [] };
  for (let i = 0; i < ROUNDS; i++) {
    // Rotate who goes first, so drift in the machine's load falls on every column alike.
    const order = [...columns.slice(i % 3), ...columns.slice(0, i % 3)];
    for (const c of order) runs[c].push(await closedLoopPhase(ports[c], keepAlive, PHASE_MS, CONCURRENCY));
  }
  const [direct, balancer, haproxy] = columns.map((c) => medianOf(runs[c])) as [
    PhaseResult,
    PhaseResult,
    PhaseResult,
  ];
  const added = (r: PhaseResult, q: 'p50Ms' | 'p99Ms') => round(r[q] - direct[q], 3);
  return {
    direct,
    balancer,
    haproxy,
    throughputRatio: round(balancer.rps / direct.rps, 3),
    vsHaproxy: round(balancer.rps / haproxy.rps, 3),
    addedP50Ms: added(balancer, 'p50Ms'),
    addedP99Ms: added(balancer, 'p99Ms'),
    haproxyAddedP50Ms: added(haproxy, 'p50Ms'),
    haproxyAddedP99Ms: added(haproxy, 'p99Ms'),
    p50OverHaproxyMs: round(balancer.p50Ms - haproxy.p50Ms, 3),
    rounds: runs,
  };
}

function figuresFor(name: string, r: Awaited<ReturnType<typeof compare>>): Figure[] {
  return [
    judged(
      `${name}: throughput through the balancer / direct`,
      r.throughputRatio,
      '×',
      '≥ 0.95×',
      (v) => v >= 0.95,
    ),
    judged(`${name}: added p50`, r.addedP50Ms, 'ms', '≤ 1 ms', (v) => v <= 1),
    judged(`${name}: throughput, balancer / HAProxy`, r.vsHaproxy, '×', '≥ 0.9×', (v) => v >= 0.9),
    judged(`${name}: added p50, balancer − HAProxy`, r.p50OverHaproxyMs, 'ms', '≤ 0.2 ms', (v) => v <= 0.2),
    { label: `${name}: added p50 / p99, balancer`, value: `${r.addedP50Ms} / ${r.addedP99Ms}`, unit: 'ms' },
    {
      label: `${name}: added p50 / p99, HAProxy`,
      value: `${r.haproxyAddedP50Ms} / ${r.haproxyAddedP99Ms}`,
      unit: 'ms',
    },
    {
      label: `${name}: direct / balancer / HAProxy throughput`,
      value: `${r.direct.rps} / ${r.balancer.rps} / ${r.haproxy.rps}`,
      unit: 'rps',
    },
  ];
}

async function main(): Promise<void> {
  const bench = startBench('balancer', 'Balancer overhead', quick);
  const backendPort = await startChild(backendScript);
  const balancerPort = await startChild(balancerScript(backendPort));
  haproxy = await startHaproxy(backendPort);
  const ports = { direct: backendPort, balancer: balancerPort, haproxy: haproxy.port };
  const keepAlive = await compare(ports, true);
  const newConnectionPerRequest = await compare(ports, false);
  const figures = [
    ...figuresFor('keep-alive', keepAlive),
    ...figuresFor('new connection per request', newConnectionPerRequest),
  ];
  const notes = [
    `Closed loop, ${CONCURRENCY} connections, ${PHASE_MS} ms per phase, ${ROUNDS} round(s), median, against node:http ` +
      'answering at once (no work), so the proxy hop is the whole difference: a worst case. Backend, proxy and ' +
      `load loop are separate processes on the same ${os.cpus().length} cores. HAProxy: ${haproxy.version}, mode tcp, ` +
      'its default threads (one per core).',
  ];
  const out = bench.finish(figures, notes, {
    load: {
      concurrency: CONCURRENCY,
      phaseMs: PHASE_MS,
      rounds: ROUNDS,
      closedLoop: true,
      backend: 'node:http, immediate 200',
    },
    haproxy: haproxy.version,
    keepAlive,
    newConnectionPerRequest,
  });
  console.log(
    JSON.stringify({ keepAlive, newConnectionPerRequest }, (k, v) => (k === 'rounds' ? undefined : v), 2),
  );
  console.log(`wrote ${out}`);
}

try {
  await main();
} catch (err) {
  console.error(`bench:balancer failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
} finally {
  for (const child of children) child.kill('SIGTERM');
  await haproxy?.stop();
}
