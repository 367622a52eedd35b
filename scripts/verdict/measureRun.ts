import { isFailed, type RequestSample, type RunRecord } from '../model.js';
import { judgeConfig, type ConfigConsistency } from './judgeConfig.js';
import { judgedWindow, type JudgedWindow } from './judgedWindow.js';
import { joinOrders, type OrderJoin } from './joinOrders.js';
import { measureStreams, type StreamMeasures } from './measureStreams.js';

/**
 * What one run measured, computed once: the verdict's checks (judgeRun) and the report (summarizeRun) both
 * read it, so the two can never count the same thing two ways.
 */
export interface RunMeasures {
  failed: RequestSample[];
  ok: RequestSample[];
  /** The part of the load window in which every request sent has its sample; null: no load window. */
  window: JudgedWindow | null;
  /** Requests scheduled inside the judged window per second of it; null without a window. */
  achievedRate: number | null;
  /** Requests scheduled before the rollout started. */
  before: number;
  /** Requests scheduled after the rollout completed, up to the judged end of the load. */
  after: number;
  /** The configuration check's findings; null when the run changed no configuration. */
  config: ConfigConsistency | null;
  /** The POSTs joined with the pods' processed orders; null when the run sent none or has no pod record. */
  orders: OrderJoin | null;
  /** The long-lived streams' ends; null when the load opened none. */
  streams: StreamMeasures | null;
}

export function measureRun(run: RunRecord): RunMeasures {
  const { samples, rollout } = run;
  const window = judgedWindow(run);
  const judgedEnd = window?.endedAt ?? null;
  const { startedAt, completedAt } = rollout;
  return {
    failed: samples.filter(isFailed),
    ok: samples.filter((s) => !isFailed(s)),
    window,
    achievedRate: achievedRate(samples, window),
    before: startedAt === null ? 0 : samples.filter((s) => s.scheduledAt < startedAt).length,
    after:
      completedAt === null || judgedEnd === null
        ? 0
        : samples.filter((s) => s.scheduledAt > completedAt && s.scheduledAt <= judgedEnd).length,
    config: judgeConfig(run),
    orders:
      run.processedOrders === undefined || !samples.some((s) => s.kind === 'post')
        ? null
        : joinOrders(samples, run.processedOrders),
    streams: run.streams === undefined ? null : measureStreams(run.streams),
  };
}

function achievedRate(samples: readonly RequestSample[], window: JudgedWindow | null): number | null {
  if (window === null || window.endedAt <= window.startedAt) return null;
  const { startedAt, endedAt } = window;
  const inWindow = samples.filter((s) => s.scheduledAt >= startedAt && s.scheduledAt <= endedAt).length;
  return inWindow / ((endedAt - startedAt) / 1000);
}

/** What went wrong with a failed request: its error code, else its HTTP status. */
export function errorKind(sample: RequestSample): string {
  return sample.error ?? `http_${sample.status ?? 'none'}`;
}

export function countBy<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) counts[key(item)] = (counts[key(item)] ?? 0) + 1;
  return counts;
}
