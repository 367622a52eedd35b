/**
 * `npm run bench:lifecycle`: SIGTERM → exit of one service process, idle and with requests in flight
 * through the drain, against SHUTDOWN_DELAY_MS + the longest in-flight request + 100 ms. Time to
 * ready (spawn → first 200 on /health, median of 20) is measured by bench:service, not again here;
 * RESULTS.md shows it from service.json. Writes bench/results/lifecycle.json.
 *   --quick   one run of each (CI: keeps the code working)
 */
import path from 'node:path';
import { quantile } from '../loadtest/quantile.js';
import { failBench, judged, quickFlag, startBench, type Figure } from './lib/benchResult.js';
import { timeToExit, type ExitRun } from './lib/timeToExit.js';

const quick = quickFlag(process.argv.slice(2), 'bench:lifecycle');
const runs = quick ? 1 : 5;
const drainMs = 1000;
const workMs = 1000;

async function main(): Promise<void> {
  const bench = startBench('lifecycle', 'Time to exit', quick);
  const all: ExitRun[] = [];
  const figures: Figure[] = [];
  for (const rate of [0, 200]) {
    const mine: ExitRun[] = [];
    for (let i = 0; i < runs; i++) {
      const run = await timeToExit(rate, drainMs, workMs);
      mine.push(run);
      console.log(
        `${rate ? `${rate} rps` : 'idle'}: SIGTERM → exit ${run.exitMs} ms (bound ${run.boundMs}), ` +
          `last answer at ${run.lastAnswerMs ?? '-'} ms, exit code ${run.exitCode}`,
      );
    }
    all.push(...mine);
    const exits = mine.map((r) => r.exitMs).sort((a, b) => a - b);
    const bound = mine[0]!.boundMs;
    const what = rate ? `under ${rate} rps (${workMs} ms requests in flight)` : 'idle';
    figures.push(
      judged(
        `SIGTERM → exit, ${what}: worst of ${runs}`,
        exits.at(-1)!,
        'ms',
        `≤ ${bound} ms`,
        (v) => v <= bound,
      ),
      { label: `SIGTERM → exit, ${what}: median`, value: quantile(exits, 0.5), unit: 'ms' },
      judged(`exit code ${what}`, Math.max(...mine.map((r) => r.exitCode ?? -1)), '', '0', (v) => v === 0),
    );
    if (rate) {
      const after = mine.map((r) => r.afterLastAnswerMs ?? NaN).sort((a, b) => a - b);
      figures.push({ label: `last answer → exit, ${what}: worst`, value: after.at(-1)!, unit: 'ms' });
    }
  }
  const notes = [
    `SHUTDOWN_DELAY_MS=${drainMs}, WORK_DELAY_MS=${workMs}; bound = drain + longest in-flight request + 100 ms ` +
      '(idle: drain + 100 ms). Under load, requests keep arriving through the drain, so the last one accepted ' +
      'finishes about one work delay after the drain ends: the worst case.',
    'Time to ready (spawn → first 200 on /health, median of 20) is in the service section (bench:service).',
  ];
  const out = bench.finish(figures, notes, { drainMs, workMs, runs: all });
  console.log(`wrote ${path.relative(process.cwd(), out)}`);
}

main().catch(failBench('bench:lifecycle'));
