import type { RunRecord } from '../model.js';
import { seconds, type Finding } from './checks.js';
import type { RunMeasures } from './measureRun.js';

type Check = (run: RunRecord, m: RunMeasures) => Finding | null;

const list = (ids: readonly string[]) =>
  ids.length <= 5 ? ids.join(', ') : `${ids.slice(0, 5).join(', ')} and ${ids.length - 5} more`;

// A stream is a request that outlives the drain: the server must end it with its final event (the client
// then reconnects, to a pod that stays) before it closes, never cut it.
const streamsEndedCleanly: Check = (_run, { streams }) => {
  if (streams === null) return null;
  const kinds = Object.entries(streams.cutBy)
    .map(([kind, n]) => `${kind} ×${n}`)
    .join(', ');
  const gap =
    streams.reconnectGapP99Ms === null
      ? 'no reconnect'
      : `reconnect gap p99 ${seconds(streams.reconnectGapP99Ms)}`;
  return {
    id: 'streams-ended-cleanly',
    passed: streams.cut.length === 0 && streams.opened > 0,
    detail:
      `${streams.opened} streams: ${streams.endedCleanly} ended by the server's final event, ` +
      `${streams.cut.length} cut${kinds ? ` (${kinds})` : ''}, ${streams.openAtStop} open at the stop; ${gap}`,
    reason:
      streams.opened === 0
        ? 'No stream was opened, so the streams were not measured.'
        : `${streams.cut.length} of ${streams.opened} streams were cut rather than ended by the server (${kinds}).`,
  };
};

const ordersNoneLost: Check = (run, { orders }) => {
  if (orders === null) {
    if (!run.samples.some((s) => s.kind === 'post')) return null;
    return {
      id: 'orders-none-lost',
      passed: null,
      detail: "not judged: this target does not read its pods' logs, so no order could be joined",
    };
  }
  return {
    id: 'orders-none-lost',
    passed: orders.lost.length === 0,
    detail: `${orders.lost.length} of ${orders.sent} orders failed at the client and were never processed${orders.lost.length ? ` (${list(orders.lost)})` : ''}`,
    reason: `${orders.lost.length} of ${orders.sent} orders were lost: the client saw an error and no pod processed them (${list(orders.lost)}).`,
  };
};

const ordersNoneAmbiguous: Check = (_run, { orders }) =>
  orders === null
    ? null
    : {
        id: 'orders-none-ambiguous',
        passed: orders.ambiguous.length === 0,
        detail: `${orders.ambiguous.length} of ${orders.sent} orders failed at the client but were processed${orders.ambiguous.length ? ` (${list(orders.ambiguous)})` : ''}`,
        reason: `${orders.ambiguous.length} of ${orders.sent} orders are ambiguous: the client saw an error, yet a pod processed them, so a retry would process them twice (${list(orders.ambiguous)}).`,
      };

const ordersNoneDuplicated: Check = (_run, { orders }) =>
  orders === null
    ? null
    : {
        id: 'orders-none-duplicated',
        passed: orders.duplicated.length === 0,
        detail: `${orders.duplicated.length} of ${orders.sent} orders processed more than once${orders.duplicated.length ? ` (${list(orders.duplicated)})` : ''}`,
        reason: `${orders.duplicated.length} of ${orders.sent} orders were processed more than once (${list(orders.duplicated)}).`,
      };

// The join is only as good as the pods' record: a 201 with no processed line means lines went missing.
const ordersAllRecorded: Check = (_run, { orders }) =>
  orders === null
    ? null
    : {
        id: 'orders-all-recorded',
        passed: orders.unrecorded.length === 0,
        detail: `${orders.confirmed} confirmed, ${orders.unrecorded.length} answered 201 with no processed line in any pod's log`,
        reason: `${orders.unrecorded.length} orders were answered 201 but appear in no pod's log (${list(orders.unrecorded)}), so the join of client and server records is incomplete.`,
      };

/** The checks of the streams and the POSTs, after the request checks. */
export const STREAM_ORDER_CHECKS: readonly Check[] = [
  streamsEndedCleanly,
  ordersNoneLost,
  ordersNoneAmbiguous,
  ordersNoneDuplicated,
  ordersAllRecorded,
];
