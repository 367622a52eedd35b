import { isFailed } from '../../scripts/model.js';
import { createOpenModelGenerator } from '../../loadtest/openModelGenerator.js';
import { quantile } from '../../loadtest/quantile.js';
import type { RequestSample } from '../../loadtest/requestSample.js';
import { processCpuMs } from './processCpu.js';

export interface CapacityStep {
  targetRate: number;
  /** 200s answered per second, from the first answer to the last. */
  achievedRate: number;
  /** Requests the generator sent per second of its schedule. */
  sendRate: number;
  sent: number;
  errors: number;
  byError: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  /** How late the generator sent (p99): high means the generator, not the server, was short of CPU. */
  sendLagP99Ms: number;
  /** CPU used during the step, in % of one core. */
  serverCpuPct: number;
  generatorCpuPct: number;
  sustained: boolean;
  /** Why the step does not count as sustained. */
  reason: string | null;
  /** Set when this is a retry: why the first attempt did not count. */
  firstAttempt?: string | null;
}

export interface StepLimits {
  /** Below this fraction of the target rate the step is not sustained. */
  minAchieved: number;
  p99LimitMs: number;
}

/** One open-model step against one server: rate × seconds, keep-alive on, judged against the limits. */
export async function runCapacityStep(
  baseUrl: string,
  serverPid: number,
  rate: number,
  seconds: number,
  limits: StepLimits,
): Promise<CapacityStep> {
  const gen = createOpenModelGenerator({
    baseUrl,
    rate,
    keepAlive: true,
    timeoutMs: 5000,
    maxDurationMs: seconds * 1000,
    maxRequests: Math.ceil(rate * seconds),
  });
  const serverCpu0 = processCpuMs(serverPid);
  const ownCpu0 = process.cpuUsage();
  const wall0 = performance.now();
  gen.start();
  await gen.finished();
  const result = await gen.stop();
  const wallMs = performance.now() - wall0;
  const serverCpu1 = processCpuMs(serverPid);
  const ownCpu = process.cpuUsage(ownCpu0);

  const { byError, errors, latencies, ok, firstOk, lastOk } = tallySamples(result.samples);
  const p99Ms = quantile(latencies, 0.99);
  // n answers spread over the span between the first and the last: (n - 1) intervals.
  const achievedRate = ok > 1 ? ((ok - 1) * 1000) / (lastOk - firstOk) : 0;
  const reasons: string[] = [];
  if (result.shortfall > 1 - limits.minAchieved) reasons.push(`sent ${result.achievedRate.toFixed(0)} rps`);
  if (achievedRate < limits.minAchieved * rate) reasons.push(`answered ${achievedRate.toFixed(0)} rps`);
  if (errors > 0) reasons.push(`${errors} errors`);
  if (p99Ms > limits.p99LimitMs) reasons.push(`p99 ${p99Ms.toFixed(0)} ms`);
  const pct = (ms: number) => Math.round((ms / wallMs) * 100);
  return {
    targetRate: rate,
    achievedRate: Math.round(achievedRate * 10) / 10,
    sendRate: Math.round(result.achievedRate * 10) / 10,
    sent: result.samples.length,
    errors,
    byError,
    p50Ms: Math.round(quantile(latencies, 0.5)),
    p99Ms: Math.round(p99Ms),
    sendLagP99Ms: Math.round(result.sendLagMs.p99 * 10) / 10,
    serverCpuPct: serverCpu0 === null || serverCpu1 === null ? -1 : pct(serverCpu1 - serverCpu0),
    generatorCpuPct: pct((ownCpu.user + ownCpu.system) / 1000),
    sustained: reasons.length === 0,
    reason: reasons.length === 0 ? null : reasons.join(', '),
  };
}

/** The step's answers: errors by kind, latencies sorted, and when the first and last good answer came. */
function tallySamples(samples: readonly RequestSample[]) {
  const byError: Record<string, number> = {};
  let errors = 0;
  const latencies = new Float64Array(samples.length);
  let ok = 0;
  let firstOk = Infinity;
  let lastOk = -Infinity;
  samples.forEach((s, i) => {
    latencies[i] = s.latencyMs;
    if (!isFailed(s)) {
      ok++;
      firstOk = Math.min(firstOk, s.endedAt);
      lastOk = Math.max(lastOk, s.endedAt);
    } else {
      errors++;
      const code = s.error ?? `http_${s.status}`;
      byError[code] = (byError[code] ?? 0) + 1;
    }
  });
  latencies.sort();
  return { byError, errors, latencies, ok, firstOk, lastOk };
}
