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
import { failBench, judged, quickFlag, round, startBench, type Figure } from './benchResult.js';
import { cliRollout } from './cliRollout.js';

const quick = quickFlag(process.argv.slice(2), 'bench:scale');
// 2,000 rps × (25 s warm-up + ~11 s rollout + ~6 s for the old pods to drain + 25 s cool-down) ≈ 132,000.
const runs = quick
  ? [
      { rate: 50, keepAlive: true, warmupS: 1, cooldownS: 1, minRequests: 0 },
      { rate: 30, keepAlive: false, warmupS: 1, cooldownS: 1, minRequests: 0 },
    ]
  : [
      { rate: 2000, keepAlive: true, warmupS: 25, cooldownS: 25, minRequests: 120_000 },
      { rate: 500, keepAlive: false, warmupS: 10, cooldownS: 10, minRequests: 0 },
    ];

async function main(): Promise<void> {
  const bench = startBench('scale', 'Lossless at scale', quick);
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const figures: Figure[] = [];
  const details = [];
  for (const r of runs) {
    const name = `${r.rate} rps, keep-alive ${r.keepAlive ? 'on' : 'off'}`;
    const outDir = path.join(work, `${r.rate}-${r.keepAlive ? 'ka' : 'noka'}`);
    console.log(`${name}: running demo:rollout (${r.warmupS} s warm-up, ${r.cooldownS} s cool-down) ...`);
    const { exitCode, report, profile, log } = await cliRollout({ ...r, outDir, profile: true });
    const q = report.requests;
    console.log(
      `  ${report.verdict}: ${q.total} requests, ${q.failed} failed, achieved ${report.load.achievedRate} rps, ` +
        `p99 ${report.latencyMs.p99} ms, rollout ${report.rollout.durationMs} ms; harness idle ${profile?.idlePct}%`,
    );
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
        label: `${name}: harness main thread busy (--cpu-prof)`,
        value: profile ? round(100 - profile.idlePct) : null,
        unit: '%',
      },
    );
    details.push({
      ...r,
      exitCode,
      verdict: report.verdict,
      requests: q,
      latencyMs: report.latencyMs,
      load: report.load,
      rollout: report.rollout,
      // p50/p99 per second: shows where the tail comes from (load start, the rollout's steps).
      timeseries: report.timeseries,
      profile,
      reportDir: outDir,
      log,
    });
  }
  const notes = [
    'Run through node dist/scripts/demoRollout.js --target local (the CLI users run), with the harness under ' +
      '--cpu-prof. v1 answers after 2 s of work and v2 after 1 s, so p50 sits near 2 s while v1 serves and ' +
      'p99 includes v1 answers.',
  ];
  const out = bench.finish(figures, notes, { runs: details });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch(failBench('bench:scale'));
