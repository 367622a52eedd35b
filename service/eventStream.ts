import type { RequestHandler, Response } from 'express';
import type { Config } from './config.js';
import type { ServiceState } from './serviceState.js';

/** One event a second on every open stream. */
export const STREAM_INTERVAL_MS = 1000;
/**
 * The `retry:` of the final event: how long the client waits before it reconnects. Long enough for the
 * endpoint removal that began with SIGTERM to reach the proxies (0.1 s measured on the real cluster, 1 s
 * the matrix's worst case), so the new connection lands on a pod that is staying; a client that lands
 * here again is told to reconnect again, at once.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#concept-event-stream-reconnection-time
 */
export const STREAM_RETRY_MS = 1000;
/** The name of the final event; an EventSource client listens for it with addEventListener. */
export const RECONNECT_EVENT = 'reconnect';
/**
 * How long the final event may take to reach the client before the stream is cut. It is a hundred bytes:
 * a client that has not taken it by then has stopped reading, and its unfinished response would otherwise
 * hold the server's close (which waits for every connection) until the hard deadline.
 */
export const FINAL_EVENT_TIMEOUT_MS = 1000;

/**
 * `GET /stream`: Server-Sent Events, one a second, each naming the version and pod that sent it. When
 * shutdown begins (the drain's start, when readiness turns 503), every open stream gets a final
 * `reconnect` event with a `retry:` and ends, and a stream opened during the drain gets it at once: the
 * client reconnects through the Service to a pod that is staying, and no stream is left for the server's
 * close to wait for. A stream counts as in flight while it is open.
 */
export function eventStream({
  config,
  state,
}: {
  config: Pick<Config, 'appVersion' | 'podName'>;
  state: ServiceState;
}): RequestHandler {
  const data = JSON.stringify({ version: config.appVersion, pod: config.podName });
  return (req, res) => {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    // no-transform: a proxy must not compress or rewrite the stream, which would hold events back until a
    // buffer fills. X-Accel-Buffering: nginx (and ingress-nginx) would buffer it otherwise.
    // https://nginx.org/en/docs/http/ngx_http_proxy_module.html#proxy_buffering
    res.setHeader('Cache-Control', 'no-cache, no-transform');
    res.setHeader('X-Accel-Buffering', 'no');
    // A stream is the last answer on its connection: when it ends the client reconnects on a new one,
    // which the Service balances to a pod that is staying, instead of reusing this one, pinned to us (L4).
    res.setHeader('Connection', 'close');
    // Express answers HEAD with the GET handler and drops the body: a stream would never end.
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    res.flushHeaders();
    send(res, `data: ${data}\n\n`);

    const ticker = setInterval(() => {
      // A client that stops reading fills its socket: skip events rather than buffer them without bound.
      if (!res.writableNeedDrain) send(res, `data: ${data}\n\n`);
    }, STREAM_INTERVAL_MS);
    let cutTimer: NodeJS.Timeout | undefined;
    const unsubscribe = state.onShutdown(() => {
      clearInterval(ticker);
      res.end(`retry: ${STREAM_RETRY_MS}\nevent: ${RECONNECT_EVENT}\ndata: ${data}\n\n`);
      cutTimer = setTimeout(() => res.destroy(), FINAL_EVENT_TIMEOUT_MS);
      cutTimer.unref();
    });
    res.on('close', () => {
      clearInterval(ticker);
      clearTimeout(cutTimer);
      unsubscribe();
    });
  };
}

function send(res: Response, text: string): void {
  if (!res.writableEnded) res.write(text);
}
