/**
 * `npm run bench:generator`: the project's open-model generator (`npm run load`, its own process,
 * every request written as NDJSON) against a fast node:http server (its own process, immediate 200):
 * the highest rate it sustains, beside vegeta's (the open-model Go tool, same climb, steps
 * interleaved) and autocannon's highest throughput on the same endpoint in the same run, and its
 * rate accuracy at 100, 500 and 1,000 requests/s. Writes bench/results/generator.json.
 *   --quick   a few short steps (CI: keeps the code working; numbers not asserted)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { autocannonMax } from './lib/autocannonMax.js';
import { summarizeProfileIn, type ProfileSummary } from './cpuProfileSummary.js';
import {
  benchRoot,
  failBench,
  judged,
  quickFlag,
  round,
  startBench,
  type Figure,
} from './lib/benchResult.js';
import { runGeneratorStep, type GeneratorStep } from './lib/generatorStep.js';
import { spawnServer } from './lib/spawnServer.js';
import { ensureVegeta, runVegetaStep } from './lib/vegeta.js';

const quick = quickFlag(process.argv.slice(2), 'bench:generator');
const cfg = quick
  ? { rates: [500, 1000], stepSeconds: 1, autocannon: [10], acSeconds: 1, accuracy: [100], accSeconds: 1 }
  : {
      rates: [2000, 4000, 6000, 8000, 10_000, 12_000, 14_000, 16_000, 20_000],
      stepSeconds: 5,
      autocannon: [10, 50, 100],
      acSeconds: 5,
      accuracy: [100, 500, 1000],
      accSeconds: 10,
    };

/** The generator under --cpu-prof at `rate`: where its time goes (self time by module and function). */
async function profileGenerator(url: string, rate: number, seconds: number): Promise<ProfileSummary | null> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-generator-prof-'));
  try {
    await runGeneratorStep(url, rate, seconds, 0.99, ['--cpu-prof', `--cpu-prof-dir=${dir}`]);
    return summarizeProfileIn(dir, 12);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pause = () => new Promise((resolve) => setTimeout(resolve, 500));
const line = (name: string, s: GeneratorStep) =>
  `  ${name.padEnd(9)} ${String(s.targetRate).padStart(6)} rps → ${String(s.achievedRate).padStart(8)} answered/s, ` +
  `lag p99 ${Number.isNaN(s.sendLagP99Ms) ? '–' : s.sendLagP99Ms} ms, p99 ${s.p99Ms} ms, cpu ${s.generatorCpuPct}%  ${s.reason ?? 'sustained'}`;

async function main(): Promise<void> {
  const bench = startBench('generator', 'Load generator', quick);
  const server = await spawnServer(path.join(benchRoot, 'dist/bench/lib/bareServer.js'), {
    WORK_DELAY_MS: '0',
  });
  const url = `http://127.0.0.1:${server.port}`;
  try {
    ensureVegeta();
    console.log(`open-model climb, ${cfg.stepSeconds} s per step, keep-alive on, against ${url}/`);
    const climbers = [
      { name: 'generator', run: runGeneratorStep, steps: [] as GeneratorStep[], done: false },
      { name: 'vegeta', run: runVegetaStep, steps: [] as GeneratorStep[], done: false },
    ];
    for (const [i, rate] of cfg.rates.entries()) {
      // Alternate who goes first so drift in the machine's load falls on both alike.
      const order = i % 2 === 0 ? climbers : [...climbers].reverse();
      for (const c of order.filter((x) => !x.done)) {
        let step = await c.run(url, rate, cfg.stepSeconds);
        if (!step.sustained) {
          console.log(`${line(c.name, step)} (retrying once)`);
          await pause();
          step = await c.run(url, rate, cfg.stepSeconds);
        }
        c.steps.push(step);
        c.done = !step.sustained;
        console.log(line(c.name, step));
        await pause();
      }
      if (climbers.every((c) => c.done)) break;
    }
    const [ours, vegeta] = climbers.map((c) => ({
      steps: c.steps,
      max: Math.max(0, ...c.steps.filter((s) => s.sustained).map((s) => s.targetRate)),
    })) as [{ steps: GeneratorStep[]; max: number }, { steps: GeneratorStep[]; max: number }];
    const climb = ours.steps;
    const maxSustained = ours.max;

    console.log(`autocannon (closed model), ${cfg.acSeconds} s per run`);
    const ac = await autocannonMax(`${url}/`, cfg.autocannon, cfg.acSeconds);
    for (const r of ac.runs) console.log(`  ${r.connections} connections: ${r.rate} rps, p99 ${r.p99Ms} ms`);

    console.log(`rate accuracy, ${cfg.accSeconds} s each`);
    const accuracy: GeneratorStep[] = [];
    for (const rate of cfg.accuracy) {
      const step = await runGeneratorStep(url, rate, cfg.accSeconds);
      accuracy.push(step);
      console.log(line('generator', step));
      await pause();
    }

    const vsVegeta = vegeta.max > 0 ? round(maxSustained / vegeta.max, 3) : null;
    const ratio = ac.best.rate > 0 ? round(maxSustained / ac.best.rate, 3) : null;
    const figures: Figure[] = [
      {
        label: 'highest sustained open-model rate (every request recorded, achieved/target ≥ 0.99)',
        value: maxSustained,
        unit: 'rps',
      },
      {
        label: "vegeta's highest sustained open-model rate (same climb and rule)",
        value: vegeta.max,
        unit: 'rps',
      },
      judged('generator / vegeta', vsVegeta, '×', '≥ 1.0×', (v) => v >= 1),
      {
        label: `autocannon's highest throughput (closed model, best of ${cfg.autocannon.join('/')} connections)`,
        value: ac.best.rate,
        unit: 'rps',
      },
      judged('generator / autocannon (closed model)', ratio, '×', '≥ 1.0×', (v) => v >= 1),
      ...accuracy.map((s) =>
        judged(`achieved / target at ${s.targetRate} rps`, s.accuracy, '', '≥ 0.99', (v) => v >= 0.99),
      ),
    ];
    const notes: string[] = [
      'autocannon is a closed model (each of N connections sends its next request when the previous answer ' +
        'arrives), so its figure is the most it can push through, not a rate it holds on a schedule; the ' +
        "generator's figure is an open-model rate held on schedule with one sample recorded per request " +
        '(scheduled time, start, end, status, version, pod). Same endpoint, same run.',
      'generator = `npm run load` (dist/loadtest/loadCli.js) as a process of its own, writing every sample to an ' +
        'NDJSON file that the bench reads back; vegeta = `vegeta attack -rate N/1s -keepalive=true -timeout=5s` ' +
        '(v12.13.0, built from its Go module, default workers), results read with `vegeta report -type=json`. ' +
        'Both climb the same rates, steps interleaved (who goes first alternates), one retry per step. vegeta ' +
        'does not catch up when late (it sends fewer than scheduled); the generator does (it sends late), so ' +
        'each is judged on: sent or recorded ≥ 99% of the schedule, 0 errors, answered ≥ 99% of the rate over ' +
        'wall time. vegeta measures latency from its send, the generator from the scheduled time.',
      'achieved = answered requests per second of wall time, from the schedule start to the last answer ' +
        '(the generator catches up when late, so its own sent-per-second-of-schedule is always the target).',
    ];
    const broken = climb.find((s) => !s.sustained);
    const top = climb.filter((s) => s.sustained).at(-1);
    const vegetaBroken = vegeta.steps.find((s) => !s.sustained);
    if (vegetaBroken)
      notes.push(
        `vegeta broke at ${vegetaBroken.targetRate} rps: ${vegetaBroken.reason} (its cpu ${vegetaBroken.generatorCpuPct}% of a core).`,
      );
    if (broken) notes.push(`The generator broke at ${broken.targetRate} rps: ${broken.reason}.`);
    let profile: ProfileSummary | null = null;
    if (broken && top && ((ratio ?? 1) < 1 || (vsVegeta ?? 1) < 1)) {
      profile = await profileGenerator(url, broken.targetRate, cfg.stepSeconds);
      const modules = (profile?.byModule ?? [])
        .filter((m) => m.name !== '(idle)')
        .slice(0, 6)
        .map((m) => `${m.name} ${m.pct}%`)
        .join(', ');
      const fns = (profile?.byFunction ?? [])
        .filter((m) => !m.name.startsWith('(idle)'))
        .slice(0, 4)
        .map((m) => `${m.name} ${m.pct}%`)
        .join(', ');
      notes.push(
        `What limits it: CPU on a machine it shares with the server it loads. The generator used ` +
          `${top.generatorCpuPct}% of a core at ${top.targetRate} rps and ${broken.generatorCpuPct}% at ` +
          `${broken.targetRate} rps, where it fell behind (send lag p99 ${broken.sendLagP99Ms} ms). Under --cpu-prof ` +
          `at ${broken.targetRate} rps (self time, details.profile): by module ${modules}; by function ${fns}. ` +
          'autocannon is a closed model: N fixed connections, prebuilt request bytes and a histogram, so it ' +
          'neither schedules each request nor records (and writes as NDJSON) one sample per request. What would ' +
          'move it: less work per request in the generator (batched NDJSON writes, fewer objects per sample), ' +
          'or a core of its own.',
      );
    }
    const out = bench.finish(figures, notes, {
      endpoint: 'node:http, immediate 200',
      climb,
      vegeta: vegeta.steps,
      profile,
      autocannon: ac,
      accuracy,
    });
    console.log(
      `generator max sustained ${maxSustained} rps, vegeta ${vegeta.max} rps (${vsVegeta}×); autocannon ${ac.best.rate} rps (${ratio}×)`,
    );
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  } finally {
    await server.stop();
  }
}

main().catch(failBench('bench:generator'));
