import { isCut, type StreamSample } from '../model.js';

/** What the run's long-lived streams showed: how each ended, and how long clients went without one. */
export interface StreamMeasures {
  opened: number;
  /** Ended by the server's final event: the drain told the client to reconnect. */
  endedCleanly: number;
  /** Still open when the load stopped. */
  openAtStop: number;
  cut: StreamSample[];
  /** How the cut ones ended, by kind ('ECONNRESET', 'closed', 'timeout', ...). */
  cutBy: Record<string, number>;
  /** Nearest-rank p99 and max of the reconnect gaps (end of a stream to the next one's first event); null without one. */
  reconnectGapP99Ms: number | null;
  reconnectGapMaxMs: number | null;
}

export function measureStreams(streams: readonly StreamSample[]): StreamMeasures {
  const cut = streams.filter(isCut);
  const cutBy: Record<string, number> = {};
  for (const stream of cut) cutBy[stream.end] = (cutBy[stream.end] ?? 0) + 1;
  const gaps = streams
    .map((s) => s.reconnectGapMs)
    .filter((gap): gap is number => gap !== null)
    .sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil(0.99 * gaps.length));
  return {
    opened: streams.length,
    endedCleanly: streams.filter((s) => s.end === 'reconnect').length,
    openAtStop: streams.filter((s) => s.end === 'stopped').length,
    cut,
    cutBy,
    reconnectGapP99Ms: gaps.length === 0 ? null : gaps[rank - 1]!,
    reconnectGapMaxMs: gaps.length === 0 ? null : gaps[gaps.length - 1]!,
  };
}
