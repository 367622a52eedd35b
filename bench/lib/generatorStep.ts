import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { LoadFigures } from '../../loadtest/loadSummary.js';
import { quantile } from '../../loadtest/quantile.js';
import { isFailed, type RequestSample } from '../../loadtest/requestSample.js';
import { benchRoot, round } from './benchResult.js';
import { processCpuMs } from './processCpu.js';

const loadCli = path.join(benchRoot, 'dist/loadtest/loadCli.js');

export interface GeneratorStep {
  targetRate: number;
  /** Requests the schedule asked for (rate × seconds). */
  scheduled: number;
  /** Samples recorded: one per request sent, none missing. */
  recorded: number;
  ok: number;
  errors: number;
  byError: Record<string, number>;
  /**
   * Answered requests per second of wall time, from the schedule's start to the last answer. The
   * generator catches up when it falls behind (late requests are sent late, never skipped), so its
   * own "sent per second of schedule" is always the target; the wall-clock figure is the honest one.
   */
  achievedRate: number;
  /** achievedRate / targetRate. */
  accuracy: number;
  sendLagP50Ms: number;
  sendLagP99Ms: number;
  /** Latency from the scheduled time (so a late send counts): p50 and p99. */
  p50Ms: number;
  p99Ms: number;
  /** The generator process's CPU during the step, in % of one core (-1: not measured). */
  generatorCpuPct: number;
  sustained: boolean;
  reason: string | null;
}

/**
 * One open-model step with the project's generator as users run it, `npm run load` (its own process,
 * dist/loadtest/loadCli.js): `rate` requests/s for `seconds`, keep-alive on, one NDJSON line per
 * request. Sustained = every scheduled request recorded, none failed, and answered at ≥ minAccuracy
 * × rate over wall time.
 */
export async function runGeneratorStep(
  baseUrl: string,
  rate: number,
  seconds: number,
  minAccuracy = 0.99,
  nodeArgs: string[] = [],
): Promise<GeneratorStep> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-load-'));
  try {
    const out = path.join(dir, 'samples.ndjson');
    const summary = path.join(dir, 'summary.json');
    const args = ['--url', `${baseUrl}/`, '--rate', String(rate), '--duration', String(seconds)];
    const child = spawn(
      process.execPath,
      [
        ...nodeArgs,
        loadCli,
        ...args,
        '--keep-alive',
        'on',
        '--timeout',
        '5',
        '--out',
        out,
        '--summary',
        summary,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1000)));
    let cpuMs: number | null = null;
    const poll = setInterval(() => (cpuMs = processCpuMs(child.pid!) ?? cpuMs), 100);
    const bound = setTimeout(() => child.kill('SIGKILL'), (seconds + 30) * 1000);
    const wall0 = performance.now();
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const wallMs = performance.now() - wall0;
    clearInterval(poll);
    clearTimeout(bound);
    if (code !== 0) throw new Error(`npm run load exited ${code}: ${stderr.trim()}`);
    const figures = JSON.parse(readFileSync(summary, 'utf8')) as LoadFigures;
    const samples = readFileSync(out, 'utf8')
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as RequestSample);
    const cpuPct = cpuMs === null ? -1 : Math.round((cpuMs / wallMs) * 100);
    return judgeSamples(samples, figures.startedAt, rate, seconds, minAccuracy, cpuPct);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function judgeSamples(
  samples: RequestSample[],
  startedAt: number,
  rate: number,
  seconds: number,
  minAccuracy: number,
  generatorCpuPct: number,
): GeneratorStep {
  const scheduled = Math.ceil(rate * seconds);
  let ok = 0;
  let lastEnd = startedAt;
  const byError: Record<string, number> = {};
  const latencies = new Float64Array(samples.length);
  const lags = new Float64Array(samples.length);
  samples.forEach((s, i) => {
    latencies[i] = s.latencyMs;
    lags[i] = s.startedAt - s.scheduledAt;
    if (s.endedAt > lastEnd) lastEnd = s.endedAt;
    if (isFailed(s)) {
      const code = s.error ?? `http_${s.status}`;
      byError[code] = (byError[code] ?? 0) + 1;
    } else ok++;
  });
  latencies.sort();
  lags.sort();
  const recorded = samples.length;
  const achievedRate = (ok * 1000) / (lastEnd - startedAt);
  const errors = recorded - ok;
  const reasons: string[] = [];
  // A request sent and never written would be a hole in the record.
  if (recorded < scheduled) reasons.push(`recorded ${recorded} of ${scheduled}`);
  if (errors > 0) reasons.push(`${errors} errors`);
  if (achievedRate < minAccuracy * rate) reasons.push(`answered ${achievedRate.toFixed(0)} rps`);
  return {
    targetRate: rate,
    scheduled,
    recorded,
    ok,
    errors,
    byError,
    achievedRate: round(achievedRate),
    accuracy: round(achievedRate / rate, 4),
    sendLagP50Ms: round(quantile(lags, 0.5), 2),
    sendLagP99Ms: round(quantile(lags, 0.99), 2),
    p50Ms: round(quantile(latencies, 0.5), 2),
    p99Ms: round(quantile(latencies, 0.99), 2),
    generatorCpuPct,
    sustained: reasons.length === 0,
    reason: reasons.length === 0 ? null : reasons.join(', '),
  };
}
