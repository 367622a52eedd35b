import type { LoadResult } from './loadGenerator.js';
import { quantile } from './quantile.js';
import type { RequestSample } from './requestSample.js';

const { timeOrigin } = performance;

/** The schedule's window as performance.now() values, and what it was asked to do. */
export interface ScheduleWindow {
  startPerf: number;
  endPerf: number;
  rate: number;
  keepAlive: boolean;
}

/**
 * The open model's result from its samples: the rate it achieved over the schedule's window, how late
 * requests went out (send lag), and when the last one settled.
 */
export function summarizeSchedule(samples: RequestSample[], window: ScheduleWindow): LoadResult {
  const sent = samples.length;
  const windowMs = window.endPerf - window.startPerf;
  const achievedRate = windowMs > 0 ? (sent * 1000) / windowMs : 0;
  const lags = new Float64Array(sent);
  let endedAt = timeOrigin + window.startPerf;
  for (let i = 0; i < sent; i++) {
    const s = samples[i]!;
    lags[i] = s.startedAt - s.scheduledAt;
    if (s.endedAt > endedAt) endedAt = s.endedAt;
  }
  lags.sort();
  return {
    samples,
    startedAt: timeOrigin + window.startPerf,
    endedAt,
    rate: window.rate,
    keepAlive: window.keepAlive,
    achievedRate,
    shortfall: Math.max(0, 1 - achievedRate / window.rate),
    sendLagMs: { p50: quantile(lags, 0.5), p99: quantile(lags, 0.99), max: sent > 0 ? lags[sent - 1]! : 0 },
  };
}
