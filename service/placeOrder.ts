import { setTimeout as sleep } from 'node:timers/promises';
import type { RequestHandler } from 'express';
import { z } from 'zod';
import type { Config } from './config.js';
import type { Logger } from './logger.js';

/** The order a client sends: an id of its own choosing, so it can tell afterwards whether it was processed. */
export const orderSchema = z.object({
  id: z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9._:-]+$/),
});
export const ORDER_ID_TEXT = 'id must be 1 to 128 characters of A-Z, a-z, 0-9, ".", "_", ":" or "-"';

/**
 * `POST /orders` with `{"id":"..."}`: does the version's work (WORK_DELAY_MS, as `GET /`), logs
 * `order processed` with the id, then answers 201 with the id, version and pod. It is not idempotent on
 * purpose: an id sent twice is processed twice and logged twice, so the log is the server's record of what
 * it processed, against which a client's record shows an order lost, ambiguous (processed, but the client
 * saw an error: a retry would duplicate it) or duplicated. Shutdown treats it as any request: answered
 * during the drain, finished if in flight when the server stops accepting.
 */
export function placeOrder({
  config,
  logger,
}: {
  config: Pick<Config, 'appVersion' | 'workDelayMs' | 'podName'>;
  logger: Logger;
}): RequestHandler {
  return async (req, res) => {
    const order = orderSchema.safeParse(req.body);
    if (!order.success) {
      res.status(400).json({ error: `invalid order: ${ORDER_ID_TEXT}` });
      return;
    }
    const { id } = order.data;
    // The work goes on if the client hangs up: the order is processed (and logged) all the same, which is
    // exactly the ambiguous case the log is there to reveal.
    await sleep(config.workDelayMs);
    logger.info({ orderId: id }, 'order processed');
    res.status(201).json({ id, version: config.appVersion, pod: config.podName });
  };
}
