import type { LoadResult } from './loadGenerator.js';
import { quantile } from './quantile.js';
import { isFailed } from './requestSample.js';
import { isCut, type StreamSample } from './streamSample.js';

/** LoadResult without its samples: what the `load` tool writes to --summary for whoever reads the NDJSON. */
export type LoadFigures = Omit<LoadResult, 'samples' | 'streams'>;

export function loadFigures(result: LoadResult): LoadFigures {
  const { samples: _samples, streams: _streams, ...figures } = result;
  return figures;
}

function streamsLine(streams: StreamSample[]): string {
  const cut = streams.filter(isCut).length;
  const stopped = streams.filter((s) => s.end === 'stopped').length;
  return `${streams.length} opened, ${streams.length - cut - stopped} ended by the server's final event, ${cut} cut, ${stopped} open at the stop`;
}

/** The one-screen summary the `load` tool prints at the end. */
export function formatLoadSummary(result: LoadResult, out: string): string {
  const failed = result.samples.filter(isFailed);
  const byError: Record<string, number> = {};
  for (const sample of failed) {
    const kind = sample.error ?? `http_${sample.status}`;
    byError[kind] = (byError[kind] ?? 0) + 1;
  }
  const byVersion: Record<string, number> = {};
  for (const sample of result.samples) {
    if (isFailed(sample)) continue;
    const version = sample.version ?? 'unknown';
    byVersion[version] = (byVersion[version] ?? 0) + 1;
  }
  const latencies = Float64Array.from(result.samples.map((s) => s.latencyMs)).sort();
  const ms = (q: number) => (latencies.length === 0 ? '–' : `${Math.round(quantile(latencies, q))} ms`);
  const list = (record: Record<string, number>, prefix = '') =>
    Object.entries(record)
      .map(([key, n]) => `${prefix}${key}: ${n}`)
      .join(', ') || 'none';
  const rows: Array<[string, string]> = [
    [
      'requests',
      `${result.samples.length} sent, ${result.samples.length - failed.length} ok, ${failed.length} failed`,
    ],
    ['failures by kind', list(byError)],
    ['answers by version', list(byVersion, 'v')],
    ['latency p50 / p99 / max', `${ms(0.5)} / ${ms(0.99)} / ${ms(1)}`],
    [
      'rate',
      `${result.rate} requested, ${result.achievedRate.toFixed(1)} achieved, keep-alive ${result.keepAlive ? 'on' : 'off'}`,
    ],
    ['send lag p50 / p99', `${result.sendLagMs.p50.toFixed(1)} ms / ${result.sendLagMs.p99.toFixed(1)} ms`],
    ['samples', out],
  ];
  const posts = result.samples.filter((s) => s.kind === 'post').length;
  if (posts > 0) rows.splice(1, 0, ['of them POST /orders', String(posts)]);
  if (result.streams !== undefined) rows.splice(1, 0, ['streams', streamsLine(result.streams)]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}
