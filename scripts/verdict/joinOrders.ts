import { isFailed, type RequestSample } from '../model.js';

/**
 * The POSTs the client sent, joined with the orders the pods logged as processed. A non-idempotent request
 * has four outcomes a retry would treat differently, and only the server's record tells them apart:
 * - confirmed: the client got its 201, and the server processed the order once;
 * - lost: the client failed, and no pod processed it (a retry would be safe, but nobody retried);
 * - ambiguous: the client failed, but a pod processed it (a retry would duplicate it);
 * - duplicated: processed more than once (whatever the client saw).
 * And one that should never happen: unrecorded, a 201 with no processed line (the log lost a line, so
 * the join itself cannot be trusted).
 */
export interface OrderJoin {
  sent: number;
  confirmed: number;
  lost: string[];
  ambiguous: string[];
  duplicated: string[];
  unrecorded: string[];
}

export function joinOrders(samples: readonly RequestSample[], processedIds: readonly string[]): OrderJoin {
  const processed = new Map<string, number>();
  for (const id of processedIds) processed.set(id, (processed.get(id) ?? 0) + 1);
  const join: OrderJoin = { sent: 0, confirmed: 0, lost: [], ambiguous: [], duplicated: [], unrecorded: [] };
  for (const sample of samples) {
    if (sample.kind !== 'post' || sample.orderId === undefined) continue;
    join.sent++;
    const times = processed.get(sample.orderId) ?? 0;
    if (times > 1) join.duplicated.push(sample.orderId);
    if (isFailed(sample)) {
      if (times === 0) join.lost.push(sample.orderId);
      else join.ambiguous.push(sample.orderId);
    } else if (times === 0) join.unrecorded.push(sample.orderId);
    else if (times === 1) join.confirmed++;
  }
  return join;
}
