import { isFailed, type RequestSample } from '../model.js';
import { nearestRank } from './nearestRank.js';

/** Column-oriented per-second series, ready for charts. Index i covers [second[i], second[i] + 1) s. */
export interface PerSecond {
  /** Start of each bucket, in seconds relative to the report's time origin. */
  second: number[];
  /** Successful answers per second, by answering version. */
  okByVersion: Record<string, number[]>;
  /** Successful answers per second, by the configuration they were built from (X-Config-Hash). */
  okByConfig: Record<string, number[]>;
  failed: number[];
  /** Latency percentiles of every request scheduled in that second (failed ones included), ms. */
  p50: (number | null)[];
  p99: (number | null)[];
}

/** Buckets samples by the second they were scheduled in, from `origin` (epoch ms) to `until` (epoch ms). */
export function perSecond(samples: readonly RequestSample[], origin: number, until: number): PerSecond {
  const count = samples.length === 0 ? 0 : Math.max(1, Math.ceil((until - origin) / 1000));
  const buckets = Array.from({ length: count }, () => ({
    ok: new Map<string, number>(),
    okConfig: new Map<string, number>(),
    failed: 0,
    latencies: [] as number[],
  }));
  const versions = new Set<string>();
  const configs = new Set<string>();
  for (const s of samples) {
    const bucket = buckets[Math.min(count - 1, Math.max(0, Math.floor((s.scheduledAt - origin) / 1000)))];
    if (!bucket) continue;
    bucket.latencies.push(s.latencyMs);
    if (isFailed(s)) bucket.failed += 1;
    else {
      const version = s.version ?? 'unknown';
      versions.add(version);
      bucket.ok.set(version, (bucket.ok.get(version) ?? 0) + 1);
      const config = s.configHash ?? 'none';
      configs.add(config);
      bucket.okConfig.set(config, (bucket.okConfig.get(config) ?? 0) + 1);
    }
  }
  const okByVersion: Record<string, number[]> = {};
  for (const version of [...versions].sort())
    okByVersion[version] = buckets.map((b) => b.ok.get(version) ?? 0);
  const okByConfig: Record<string, number[]> = {};
  for (const config of [...configs].sort())
    okByConfig[config] = buckets.map((b) => b.okConfig.get(config) ?? 0);
  const sorted = buckets.map((b) => b.latencies.sort((x, y) => x - y));
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
  return {
    second: buckets.map((_, i) => i),
    okByVersion,
    okByConfig,
    failed: buckets.map((b) => b.failed),
    p50: sorted.map((l) => round(nearestRank(l, 50))),
    p99: sorted.map((l) => round(nearestRank(l, 99))),
  };
}
