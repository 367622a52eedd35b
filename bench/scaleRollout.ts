/**
 * `npm run bench:scale`: lossless at scale, through the real CLI on this machine (harness, balancer,
 * load generator and every pod on the same cores): a full 3-replica rollout at 2,000 requests/s with
 * keep-alive (≥ 120,000 requests), and one at 500 requests/s with keep-alive off. The harness runs
 * under --cpu-prof; the summary shows where its main thread spends its time. Writes
 * bench/results/scale.json (the runs' own reports stay in a temp folder, path in the JSON).
 *   --quick   50 and 30 requests/s, 1 s warm-up and cool-down (CI: keeps the code working)
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { failBench, judged, quickFlag, round, startBench, type Figure } from './lib/benchResult.js';
import { cliRollout } from './lib/cliRollout.js';

const quick = quickFlag(process.argv.slice(2), 'bench:scale');
// 2,000 rps × (25 s warm-up + ~11 s rollout + ~6 s for the old pods to drain + 25 s cool-down) ≈ 132,000.
const runs = quick
  ? [
      { rate: 50, keepAlive: true, warmupS: 1, cooldownS: 1, minRequests: 0, fallbacks: [] },
      { rate: 30, keepAlive: false, warmupS: 1, cooldownS: 1, minRequests: 0, fallbacks: [] },
    ]
  : [
      {
        rate: 2000,
        keepAlive: true,
        warmupS: 25,
        cooldownS: 25,
        minRequests: 120_000,
        fallbacks: [1500, 1000],
      },
      { rate: 500, keepAlive: false, warmupS: 10, cooldownS: 10, minRequests: 0, fallbacks: [] },
    ];

async function main(): Promise<void> {
  const bench = startBench('scale', 'Lossless at scale', quick);
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const figures: Figure[] = [];
  const details: unknown[] = [];
  const limits: Array<Record<string, number>> = [];
  const attempt = async (r: (typeof runs)[number], rate: number, label: string) => {
    const name = `${rate} rps, keep-alive ${r.keepAlive ? 'on' : 'off'}`;
    const outDir = path.join(work, `${rate}-${r.keepAlive ? 'ka' : 'noka'}-${label}`);
    console.log(
      `${name}${label === 'first' ? '' : ` (${label})`}: running demo:rollout (${r.warmupS} s warm-up, ${r.cooldownS} s cool-down) ...`,
    );
    const run = await cliRollout({ ...r, rate, outDir, profile: true });
    const q = run.report.requests;
    console.log(
      `  ${run.report.verdict}: ${q.total} requests, ${q.failed} failed ${JSON.stringify(q.byError)}, achieved ${run.report.load.achievedRate} rps, ` +
        `p99 ${run.report.latencyMs.p99} ms, rollout ${run.report.rollout.durationMs} ms; cpu % of a core ${JSON.stringify(run.cpuByRole)}`,
    );
    const held = run.exitCode === 0 && q.failed === 0 && (run.report.load.achievedRate ?? 0) >= 0.99 * rate;
    details.push({
      ...r,
      rate,
      attempt: label,
      held,
      exitCode: run.exitCode,
      verdict: run.report.verdict,
      requests: q,
      latencyMs: run.report.latencyMs,
      load: run.report.load,
      rollout: run.report.rollout,
      // p50/p99 per second: shows where the tail comes from (load start, the rollout's steps).
      timeseries: run.report.timeseries,
      profile: run.profile,
      cpuByRole: run.cpuByRole,
      reportDir: outDir,
      log: run.log,
    });
    return { ...run, held, name };
  };
  for (const r of runs) {
    let run = await attempt(r, r.rate, 'first');
    // One retry: on a shared machine another job's burst can sink a single run.
    if (!run.held && r.fallbacks.length > 0) run = await attempt(r, r.rate, 'retry');
    const { exitCode, report, profile, name } = run;
    const q = report.requests;
    figures.push(
      judged(`${name}: failed requests`, q.failed, '', '0', (v) => v === 0),
      r.minRequests
        ? judged(`${name}: requests`, q.total, '', `≥ ${r.minRequests}`, (v) => v >= r.minRequests)
        : { label: `${name}: requests`, value: q.total },
      judged(
        `${name}: achieved rate`,
        report.load.achievedRate,
        'rps',
        `≥ ${0.99 * r.rate}`,
        (v) => v >= 0.99 * r.rate,
      ),
      {
        label: `${name}: latency p50 / p99`,
        value: `${round(report.latencyMs.p50 ?? NaN, 0)} / ${round(report.latencyMs.p99 ?? NaN, 0)}`,
        unit: 'ms',
      },
      { label: `${name}: verdict (exit code ${exitCode})`, value: report.verdict },
      {
        label: `${name}: CPU by process (% of one core)`,
        value: Object.entries(run.cpuByRole)
          .map(([role, pct]) => `${role} ${pct}`)
          .join(', '),
      },
      {
        label: `${name}: harness main thread busy (--cpu-prof)`,
        value: profile ? round(100 - profile.idlePct) : null,
        unit: '%',
      },
    );
    if (!run.held) {
      // The target rate does not hold here: find the highest that does, and say what limits it.
      for (const rate of r.fallbacks) {
        const lower = await attempt(r, rate, 'fallback');
        if (lower.held) {
          figures.push({
            label: `keep-alive ${r.keepAlive ? 'on' : 'off'}: highest rate held (0 failed)`,
            value: rate,
            unit: 'rps',
          });
          break;
        }
      }
      limits.push(run.cpuByRole);
    }
  }
  const notes = [
    'Run through node dist/scripts/demoRollout.js --target local (the CLI users run), with the harness under ' +
      '--cpu-prof. v1 answers after 2 s of work and v2 after 1 s, so p50 sits near 2 s while v1 serves and ' +
      'p99 includes v1 answers.',
  ];
  for (const { machine, ...cpu } of limits) {
    const ours = Object.values(cpu).reduce((a, b) => a + b, 0);
    const cores = os.cpus().length;
    notes.push(
      `What limits it: CPU. During the run that dropped requests the whole machine was busy ${machine}% of one core ` +
        `out of ${cores * 100}% (${cores} cores, shared with other work: load average at start ` +
        `${bench.machine.loadAverageAtStart.join(', ')}); the rollout's own processes used ${ours}%: ` +
        `${Object.entries(cpu)
          .map(([k, v]) => `${k} ${v}%`)
          .join(', ')} (sampled from /proc every second). The failures are timeouts and resets from queues ` +
        'that grow once the cores are saturated. What would move it: more cores, or less CPU per request in ' +
        'the pods and the generator (see Service capacity and Load generator).',
    );
  }
  const out = bench.finish(figures, notes, { runs: details });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch(failBench('bench:scale'));
