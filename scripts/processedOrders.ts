/**
 * The pods' record of the orders they processed: the service logs one JSON line per processed order
 * (service/placeOrder.ts: `{"msg":"order processed","orderId":"..."}`), and the harness reads every pod's log
 * back into one list, an id once per processing, to join with what the client saw.
 */
export const ORDER_PROCESSED_MSG = 'order processed';

/** Every order id a pod's log says it processed, in log order (an id processed twice appears twice). */
export function processedOrderIds(log: string): string[] {
  const ids: string[] = [];
  for (const line of log.split('\n')) {
    // Cheap test first: a rollout's logs are mostly other lines, and JSON.parse of each would cost.
    if (!line.includes(ORDER_PROCESSED_MSG)) continue;
    let entry: unknown;
    try {
      entry = JSON.parse(line);
    } catch {
      continue;
    }
    const { msg, orderId } = (entry ?? {}) as { msg?: unknown; orderId?: unknown };
    if (msg === ORDER_PROCESSED_MSG && typeof orderId === 'string') ids.push(orderId);
  }
  return ids;
}
