import { performance } from 'node:perf_hooks';
import { Pool } from 'undici';

export interface PhaseResult {
  requests: number;
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

const MAX_REQUESTS_PER_PHASE = 200_000;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * A closed loop: `concurrency` workers sending GET / back to back for durationMs (and at most
 * 200,000 requests), keep-alive or a new connection per request.
 */
export async function closedLoopPhase(
  port: number,
  keepAlive: boolean,
  durationMs: number,
  concurrency: number,
): Promise<PhaseResult> {
  const pool = new Pool(`http://127.0.0.1:${port}`, { connections: concurrency, pipelining: 1 });
  const latencies: number[] = [];
  let errors = 0;
  const startedAt = performance.now();
  const endAt = startedAt + durationMs;
  const worker = async (): Promise<void> => {
    while (performance.now() < endAt && latencies.length + errors < MAX_REQUESTS_PER_PHASE) {
      const t0 = performance.now();
      try {
        // reset: true sends `connection: close` and drops the socket after the answer.
        const res = await pool.request({ method: 'GET', path: '/', reset: !keepAlive });
        await res.body.dump();
        if (res.statusCode === 200) latencies.push(performance.now() - t0);
        else errors += 1;
      } catch {
        errors += 1;
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsed = performance.now() - startedAt;
  await pool.close();
  const sorted = Float64Array.from(latencies).sort();
  return {
    requests: latencies.length,
    errors,
    rps: Math.round((latencies.length / elapsed) * 1000),
    p50Ms: Number(percentile(sorted, 50).toFixed(3)),
    p99Ms: Number(percentile(sorted, 99).toFixed(3)),
  };
}
