import http from 'node:http';
import { UsageError } from '../errors.js';

/** How long each route may take to answer its check: a service that is up answers at once. */
const CHECK_TIMEOUT_MS = 5_000;

export interface RouteNeeds {
  /** The load opens streams on GET /stream. */
  streams: boolean;
  /** The load sends POST /orders. */
  orders: boolean;
}

/**
 * Before any load: the routes the load's streams and POSTs need answer on the Service. The stream is opened
 * and closed at its headers; the order is sent with an empty body, which the service refuses (400) without
 * processing anything. 404 or 405 means the app has no such route: one line, exit 2, before the rollout starts.
 */
export async function checkLoadRoutes(baseUrl: string, needs: RouteNeeds): Promise<void> {
  const checks: Array<[string, string, string | null]> = [];
  if (needs.streams) checks.push(['--streams', 'GET', null]);
  if (needs.orders) checks.push(['--mix', 'POST', '{}']);
  for (const [flag, method, body] of checks) {
    const route = method === 'GET' ? '/stream' : '/orders';
    const status = await statusOf(new URL(route, baseUrl), method, body);
    if (status === 404 || status === 405)
      throw new UsageError(
        `${flag} needs ${method} ${route}, which answered ${status} on ${baseUrl}: the service has no such route.`,
      );
  }
}

function statusOf(url: URL, method: string, body: string | null): Promise<number | string> {
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method,
        agent: false,
        timeout: CHECK_TIMEOUT_MS,
        headers: body === null ? {} : { 'content-type': 'application/json' },
      },
      (res) => {
        resolve(res.statusCode ?? 0);
        // The status is all this asks: a stream would go on for ever.
        req.destroy();
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    // A route that does not answer is the verdict's to judge (every stream cut, every order failed), not a
    // usage error: the check passes it on.
    req.on('error', (error) => resolve(error.message));
    req.end(body ?? undefined);
  });
}
