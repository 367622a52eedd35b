import { createOpenModelGenerator } from '../loadtest/openModelGenerator.js';
import { quantile } from '../loadtest/quantile.js';
import { isFailed } from '../scripts/model.js';
import { round } from './benchResult.js';

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
  /** This process's CPU during the step, in % of one core. */
  generatorCpuPct: number;
  sustained: boolean;
  reason: string | null;
}

/**
 * One open-model step with the project's generator: `rate` requests/s for `seconds`, keep-alive on,
 * every request recorded. Sustained = every scheduled request recorded, none failed, and answered
 * at ≥ minAccuracy × rate over wall time.
 */
export async function runGeneratorStep(
  baseUrl: string,
  rate: number,
  seconds: number,
  minAccuracy = 0.99,
): Promise<GeneratorStep> {
  const scheduled = Math.ceil(rate * seconds);
  const gen = createOpenModelGenerator({
    baseUrl,
    rate,
    keepAlive: true,
    timeoutMs: 5000,
    maxDurationMs: seconds * 1000,
    maxRequests: scheduled,
  });
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  gen.start();
  await gen.finished();
  const result = await gen.stop();
  const wallMs = performance.now() - wall0;
  const cpu = process.cpuUsage(cpu0);

  let ok = 0;
  let lastEnd = result.startedAt;
  const byError: Record<string, number> = {};
  const latencies = new Float64Array(result.samples.length);
  const lags = new Float64Array(result.samples.length);
  let recorded = 0;
  result.samples.forEach((s, i) => {
    if (s === undefined) return; // a hole would be a request sent and never recorded
    recorded++;
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
  const achievedRate = (ok * 1000) / (lastEnd - result.startedAt);
  const errors = recorded - ok;
  const reasons: string[] = [];
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
    generatorCpuPct: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 100),
    sustained: reasons.length === 0,
    reason: reasons.length === 0 ? null : reasons.join(', '),
  };
}
