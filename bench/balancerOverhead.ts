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
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

import { judged, quickFlag, round, startBench, type Figure } from './lib/benchResult.js';
import { closedLoopPhase, type PhaseResult } from './lib/closedLoopPhase.js';
import { startHaproxy, type RunningHaproxy } from './lib/haproxy.js';
import { summarizeProfileIn, type ProfileSummary } from './cpuProfileSummary.js';
import { processCpuMs } from './lib/processCpu.js';

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
  const { createBalancer } = await import(${JSON.stringify(fileURLToPath(new URL('../scripts/targets/local/balancer.js', import.meta.url)))});
  const balancer = createBalancer({ endpoints: { current: () => [{ pod: 'backend', port: ${backendPort} }] } });
  console.log(await balancer.listen());
  // A clean exit, so that under --cpu-prof the profile is written.
  process.on('SIGTERM', () => process.exit(0));
`;

const children: ChildProcess[] = [];

/** Starts `node -e script` and resolves with the port it prints on its first line. */
async function startChild(
  script: string,
  nodeArgs: string[] = [],
): Promise<{ port: number; child: ChildProcess }> {
  const child = spawn(process.execPath, [...nodeArgs, '--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  const [line] = (await Promise.race([once(lines, 'line'), once(child, 'exit')])) as [string];
  clearTimeout(timer);
  const port = Number(line);
  if (!Number.isInteger(port) || port <= 0) throw new Error('a benchmark process did not start');
  return { port, child };
}

/** The balancer under --cpu-prof for one phase of each mode (after the measured ones): where its time goes. */
async function profileBalancer(backendPort: number): Promise<ProfileSummary | null> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-balancer-prof-'));
  try {
    const { port, child } = await startChild(balancerScript(backendPort), [
      '--cpu-prof',
      `--cpu-prof-dir=${dir}`,
    ]);
    for (const keepAlive of [true, false]) await closedLoopPhase(port, keepAlive, PHASE_MS, CONCURRENCY);
    child.kill('SIGTERM');
    if (child.exitCode === null) await once(child, 'exit');
    return summarizeProfileIn(dir, 10);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

/** One measured phase, with the CPU the process behind that column used during it (% of one core). */
async function measured(
  port: number,
  pid: number,
  keepAlive: boolean,
): Promise<PhaseResult & { cpuPct: number }> {
  const cpu0 = processCpuMs(pid) ?? 0;
  const t0 = performance.now();
  const r = await closedLoopPhase(port, keepAlive, PHASE_MS, CONCURRENCY);
  const cpuPct = Math.round((((processCpuMs(pid) ?? 0) - cpu0) / (performance.now() - t0)) * 100);
  return { ...r, cpuPct };
}

async function compare(ports: Record<Column, number>, pids: Record<Column, number>, keepAlive: boolean) {
  const columns = Object.keys(ports) as Column[];
  for (const c of columns) await closedLoopPhase(ports[c], keepAlive, WARMUP_MS, CONCURRENCY);
  const runs: Record<Column, Array<PhaseResult & { cpuPct: number }>> = {
    direct: [],
    balancer: [],
    haproxy: [],
  };
  for (let i = 0; i < ROUNDS; i++) {
    // Rotate who goes first, so drift in the machine's load falls on every column alike.
    const order = [...columns.slice(i % 3), ...columns.slice(0, i % 3)];
    for (const c of order) runs[c].push(await measured(ports[c], pids[c], keepAlive));
  }
  const [direct, balancer, haproxy] = columns.map((c) => medianOf(runs[c])) as [
    PhaseResult,
    PhaseResult,
    PhaseResult,
  ];
  const added = (r: PhaseResult, q: 'p50Ms' | 'p99Ms') => round(r[q] - direct[q], 3);
  const cpuPct = (c: Column) => median(runs[c].map((r) => r.cpuPct));
  return {
    direct,
    balancer,
    haproxy,
    /** CPU of the backend (direct), the balancer and HAProxy during their phases, % of one core. */
    cpuPct: { backend: cpuPct('direct'), balancer: cpuPct('balancer'), haproxy: cpuPct('haproxy') },
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
  const backend = await startChild(backendScript);
  const balancer = await startChild(balancerScript(backend.port));
  haproxy = await startHaproxy(backend.port);
  const ports = { direct: backend.port, balancer: balancer.port, haproxy: haproxy.port };
  const pids = { direct: backend.child.pid!, balancer: balancer.child.pid!, haproxy: haproxy.pid };
  const keepAlive = await compare(ports, pids, true);
  const newConnectionPerRequest = await compare(ports, pids, false);
  const missed = (r: typeof keepAlive) => r.vsHaproxy < 0.9 || r.p50OverHaproxyMs > 0.2;
  const profile =
    missed(keepAlive) || missed(newConnectionPerRequest) ? await profileBalancer(backend.port) : null;
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
  const perRequestUs = (r: typeof keepAlive, who: 'balancer' | 'haproxy') =>
    Math.round((r.cpuPct[who] * 10_000) / r[who].rps);
  for (const [name, r] of [
    ['keep-alive', keepAlive],
    ['new connection per request', newConnectionPerRequest],
  ] as const) {
    notes.push(
      `${name}: CPU during the phases (median, % of one core): backend ${r.cpuPct.backend}%, balancer ` +
        `${r.cpuPct.balancer}%, HAProxy ${r.cpuPct.haproxy}%; per request the balancer spent ` +
        `${perRequestUs(r, 'balancer')} µs of CPU, HAProxy ${perRequestUs(r, 'haproxy')} µs.`,
    );
  }
  if (profile) {
    const top = (xs: Array<{ name: string; pct: number }>, n: number) =>
      xs
        .filter((x) => x.name !== '(idle)' && !x.name.startsWith('(idle)'))
        .slice(0, n)
        .map((x) => `${x.name} ${x.pct}%`)
        .join(', ');
    notes.push(
      'What limits the balancer against HAProxy: CPU per request on cores it shares with the backend and the ' +
        'load loop (a closed loop: every µs the proxy spends is taken from the other two). The balancer is one ' +
        'Node.js event loop; HAProxy is C, with one thread per core. Under ' +
        `--cpu-prof (one phase of each mode, details.profile; idle ${profile.idlePct}%), self time by module: ` +
        `${top(profile.byModule, 6)}; by function: ${top(profile.byFunction, 6)}: the time is in the sockets' ` +
        "own syscalls (connect, write, close) and the stream machinery around them, not in the balancer's " +
        'code. What would move it: fewer syscalls per connection (in-kernel forwarding: iptables DNAT or IPVS, ' +
        'as kube-proxy does), or cores of its own (several proxy processes on one port: SO_REUSEPORT needs ' +
        'Node.js ≥ 22.12, and on 2 shared cores they would compete with the backend and the load loop).',
    );
  }
  const out = bench.finish(figures, notes, {
    profile,
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
