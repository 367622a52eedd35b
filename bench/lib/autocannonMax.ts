import autocannon from 'autocannon';
import { round } from './benchResult.js';

export interface AutocannonRun {
  connections: number;
  /** 2xx answers per second over the run. */
  rate: number;
  total: number;
  errors: number;
  non2xx: number;
  p50Ms: number;
  p99Ms: number;
}

/**
 * autocannon (closed model: each connection sends its next request when the previous answer arrives)
 * against the same endpoint, at a few connection counts; its highest throughput is its best rate.
 * It records latency in a histogram, not one sample per request.
 */
export async function autocannonMax(
  url: string,
  connectionCounts: number[],
  seconds: number,
): Promise<{ best: AutocannonRun; runs: AutocannonRun[] }> {
  const runs: AutocannonRun[] = [];
  for (const connections of connectionCounts) {
    const r = await autocannon({ url, connections, duration: seconds, pipelining: 1 });
    const ok = r['2xx'];
    runs.push({
      connections,
      rate: round(ok / r.duration),
      total: r.requests.total,
      errors: r.errors,
      non2xx: r.non2xx,
      p50Ms: r.latency.p50,
      p99Ms: r.latency.p99,
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const best = runs.reduce((a, b) => (b.rate > a.rate ? b : a));
  return { best, runs };
}
