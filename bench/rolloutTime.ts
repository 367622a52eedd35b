/**
 * `npm run bench:rollout`: the local target's rollout duration (rollout-started → rollout-complete,
 * as in report.json) divided by the theoretical minimum computed from the manifest, for 3 and 6
 * replicas, under 100 requests/s. Writes bench/results/rollout.json.
 *   --quick   3 replicas only, short warm-up and cool-down (CI: keeps the code working)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { quantile } from '../loadtest/quantile.js';
import { deploymentSettings } from '../scripts/manifests/deploymentSettings.js';
import { overlayDir } from '../scripts/manifests/overlays.js';
import { renderKustomization } from '../scripts/manifests/renderKustomization.js';
import {
  benchRoot,
  failBench,
  judged,
  quickFlag,
  round,
  startBench,
  type Figure,
} from './lib/benchResult.js';
import { replicaOverlay } from './lib/replicaOverlay.js';
import { runLocalRollout } from './lib/rolloutRun.js';
import { spawnServer } from './lib/spawnServer.js';
import { theoreticalRolloutMs } from './lib/theoreticalRolloutMs.js';

const quick = quickFlag(process.argv.slice(2), 'bench:rollout');
const cfg = quick
  ? { replicas: [3], rate: 20, warmupMs: 1000, cooldownMs: 1000, spawns: 3 }
  : { replicas: [3, 6], rate: 100, warmupMs: 3000, cooldownMs: 2000, spawns: 10 };

/** Median spawn → listening (first 200 on /health) of the v2 service, measured now, on this machine. */
async function listenMs(runs: number): Promise<number> {
  const times: number[] = [];
  const env = { APP_VERSION: '2', LOG_LEVEL: 'warn', POD_NAME: 'bench' };
  for (let i = 0; i < runs; i++) {
    const server = await spawnServer(path.join(benchRoot, 'dist/service/main.js'), env);
    times.push(server.readyMs);
    await server.stop(0);
  }
  return quantile(
    times.sort((a, b) => a - b),
    0.5,
  );
}

async function main(): Promise<void> {
  const bench = startBench('rollout', 'Rollout time', quick);
  const work = mkdtempSync(path.join(os.tmpdir(), 'bench-rollout-'));
  const figures: Figure[] = [];
  const runs = [];
  try {
    const listen = round(await listenMs(cfg.spawns));
    console.log(`v2 spawn → listening, median of ${cfg.spawns}: ${listen} ms`);
    for (const replicas of cfg.replicas) {
      const [v1, v2] = [overlayDir(1), overlayDir(2)];
      const from = replicas === 3 ? v1 : replicaOverlay(v1, replicas, work);
      const to = replicas === 3 ? v2 : replicaOverlay(v2, replicas, work);
      const settings = deploymentSettings(renderKustomization(to));
      if (settings.replicas !== replicas)
        throw new Error(`${to} renders ${settings.replicas} replicas, not ${replicas}`);
      const practical = theoreticalRolloutMs(settings, listen);
      const strict = theoreticalRolloutMs(settings, 0);
      const { report, pods } = await runLocalRollout({
        from,
        to,
        rate: cfg.rate,
        warmupMs: cfg.warmupMs,
        cooldownMs: cfg.cooldownMs,
        outDir: path.join(work, `x${replicas}`),
      });
      const duration = report.rollout.durationMs;
      const ratio = duration !== null && practical ? round(duration / practical.totalMs, 3) : null;
      const strictRatio = duration !== null && strict ? round(duration / strict.totalMs, 3) : null;
      console.log(
        `${replicas} replicas: rollout ${duration} ms, minimum ${practical?.totalMs} ms ` +
          `(strict ${strict?.totalMs} ms): ${ratio}× (${strictRatio}× strict); ${report.requests.failed} failed`,
      );
      for (const p of pods) console.log(`  ${p.pod}: created +${p.createdMs} ms, ready +${p.readyMs} ms`);
      figures.push(
        { label: `${replicas} replicas: rollout duration`, value: duration, unit: 'ms' },
        {
          label: `${replicas} replicas: theoretical minimum (measured spawn → listen)`,
          value: practical?.totalMs ?? null,
          unit: 'ms',
        },
        judged(`${replicas} replicas: duration / minimum`, ratio, '×', '≤ 1.1×', (v) => v <= 1.1),
        {
          label: `${replicas} replicas: duration / strict lower bound (spawn → listen = 0)`,
          value: strictRatio,
          unit: '×',
        },
      );
      runs.push({
        replicas,
        rate: cfg.rate,
        durationMs: duration,
        outcome: report.rollout.outcome,
        failed: report.requests.failed,
        minimum: practical,
        strictMinimum: strict,
        ratio,
        strictRatio,
        newPods: pods,
      });
    }
    const notes = [
      'minimum = ceil(replicas / maxSurge) × (startup probe passes + readiness passes + minReadySeconds), ' +
        'with maxUnavailable 0 (bench/lib/theoreticalRolloutMs.ts). The startup probe checks at t = 0, 1 s, 2 s, ... ' +
        'from container start, so a process listening after L ms passes at ceil(L / 1 s) s. The ratio uses the ' +
        `measured median spawn → listen of v2 (${listen} ms, idle machine); the strict bound uses 0.`,
      'Drain is not on the critical path: rollout-complete counts non-terminating pods only ' +
        '(scripts/targets/local/deploymentController.ts), so old pods drain after it.',
      `Load during the rollout: ${cfg.rate} requests/s, keep-alive on; newPods lists each v2 pod's created → ready ` +
        'times (ms after rollout-started).',
    ];
    const out = bench.finish(figures, notes, { listenMs: listen, runs });
    console.log(`wrote ${path.relative(process.cwd(), out)}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(failBench('bench:rollout'));
