import type { RunRecord } from '../model.js';
import type { RunMeasures } from '../verdict/measureRun.js';
import type { RunReport } from './runReport.js';

/** The ids a report lists of each kind of order failure: enough to look them up in the pods' logs. */
const LISTED_IDS = 20;

/** report.json's streams: how they ended, the reconnect gaps, and their events per second by version. */
export function streamsOf(
  run: RunRecord,
  { streams }: RunMeasures,
  origin: number | null,
  seconds: readonly number[],
): RunReport['streams'] {
  if (streams === null || run.streams === undefined) return null;
  const bucketOf = (at: number) =>
    origin === null ? -1 : Math.min(seconds.length - 1, Math.floor((at - origin) / 1000 - (seconds[0] ?? 0)));
  const eventsPerSecondByVersion: Record<string, number[]> = {};
  const cutPerSecond = seconds.map(() => 0);
  for (const stream of run.streams) {
    const series = (eventsPerSecondByVersion[stream.version ?? 'unknown'] ??= seconds.map(() => 0));
    for (const at of stream.eventTimes) {
      const i = bucketOf(at);
      if (i >= 0) series[i]! += 1;
    }
  }
  for (const stream of streams.cut) {
    const i = bucketOf(stream.endedAt);
    if (i >= 0) cutPerSecond[i]! += 1;
  }
  return {
    opened: streams.opened,
    endedCleanly: streams.endedCleanly,
    cut: streams.cut.length,
    openAtStop: streams.openAtStop,
    cutBy: streams.cutBy,
    reconnectGapP99Ms: streams.reconnectGapP99Ms,
    reconnectGapMaxMs: streams.reconnectGapMaxMs,
    eventsPerSecondByVersion,
    cutPerSecond,
  };
}

/** report.json's orders: the POSTs joined with the pods' record, with the first ids of each failure kind. */
export function ordersOf({ orders }: RunMeasures): RunReport['orders'] {
  if (orders === null) return null;
  const ids = (list: string[]) => ({ count: list.length, ids: list.slice(0, LISTED_IDS) });
  return {
    sent: orders.sent,
    confirmed: orders.confirmed,
    lost: ids(orders.lost),
    ambiguous: ids(orders.ambiguous),
    duplicated: ids(orders.duplicated),
    unrecorded: ids(orders.unrecorded),
  };
}
