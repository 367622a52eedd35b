import { setTimeout as sleep } from 'node:timers/promises';
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import onHeaders from 'on-headers';
import type { Config } from './config.js';
import { eventStream } from './eventStream.js';
import type { GreetingSource } from './greetingSource.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import { placeOrder } from './placeOrder.js';
import type { ServiceState } from './serviceState.js';

export interface AppDependencies {
  config: Pick<Config, 'appVersion' | 'workDelayMs' | 'podName'>;
  greeting: GreetingSource;
  metrics: Metrics;
  state: ServiceState;
  logger: Logger;
}

/**
 * The HTTP API: `GET /`, `POST /orders`, `GET /stream` (Server-Sent Events), `GET /health` (readiness),
 * `GET /livez` (liveness), `GET /metrics`.
 */
export function createApp({ config, greeting, metrics, state, logger }: AppDependencies): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use(trackRequest({ config, metrics, state, logger }));

  // The work is a timer, never a blocking wait: a synchronous sleep (or any long computation) in a handler
  // freezes the event loop, and the pod serves one request at a time while the rest queue behind it.
  app
    .route('/')
    .get(async (_req, res) => {
      await sleep(config.workDelayMs);
      // Read after the work, when the answer is built: the hash names the configuration it was built from.
      const current = greeting.current();
      if ('problem' in current) {
        res.status(500).json({ error: 'configuration unavailable' });
        return;
      }
      res.setHeader('X-Config-Hash', current.hash);
      res.json({ message: `${current.text} from version ${config.appVersion}!` });
    })
    .all(methodNotAllowed('GET, HEAD'));

  // A small body limit: an order is one id. Malformed JSON and oversized bodies go to the error handler
  // below (400, 413) like any bad input; a body that is not JSON is left unparsed and fails validation.
  app
    .route('/orders')
    .post(express.json({ limit: '1kb' }), placeOrder({ config, logger }))
    .all(methodNotAllowed('POST'));

  app.route('/stream').get(eventStream({ config, state })).all(methodNotAllowed('GET, HEAD'));

  // Readiness. Served here rather than by terminus's healthChecks option: terminus answers its health
  // routes for every HTTP method, and a wrong method must get a 405. It reads the state terminus flips.
  app
    .route('/health')
    .get((_req, res) => {
      if (state.shuttingDown) res.status(503).json({ status: 'shutting down' });
      else res.json({ status: 'ok' });
    })
    .all(methodNotAllowed('GET, HEAD'));

  // Liveness stays 200 while draining: failing it would make the kubelet restart a pod that is leaving.
  app
    .route('/livez')
    .get((_req, res) => {
      res.json({ status: 'alive' });
    })
    .all(methodNotAllowed('GET, HEAD'));

  app
    .route('/metrics')
    .get(async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    })
    .all(methodNotAllowed('GET, HEAD'));

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  app.use(answerErrorsWithoutDetails(logger));
  return app;
}

/** Headers, metrics, in-flight bookkeeping and `Connection: close` while draining, for every request. */
function trackRequest({ config, metrics, state }: Omit<AppDependencies, 'greeting'>): RequestHandler {
  return (req, res, next) => {
    res.setHeader('X-App-Version', config.appVersion);
    res.setHeader('X-Pod-Name', config.podName);
    // A browser must never guess a type other than the one we declare (an error body read as HTML is an
    // XSS vector): the one header of helmet's defaults that matters for a JSON API.
    // https://github.com/helmetjs/helmet#x-content-type-options
    res.setHeader('X-Content-Type-Options', 'nosniff');
    // Once shutdown begins, every response closes its connection, so keep-alive clients reconnect
    // through the Service and land on a pod that is staying. Decided when the headers go out, not when
    // the request came in: a request that arrived before SIGTERM may be answered during the drain.
    onHeaders(res, () => {
      if (state.shuttingDown) res.setHeader('Connection', 'close');
    });

    const request = { method: req.method, url: req.originalUrl, startedAt: Date.now() };
    state.inFlight.add(request);
    metrics.inFlight.inc();
    const stopTimer = metrics.duration.startTimer();
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      state.inFlight.delete(request);
      metrics.inFlight.dec();
      const labels = {
        route: routeLabel(req.route?.path),
        method: req.method,
        status: String(res.statusCode),
        version: config.appVersion,
      };
      metrics.requests.inc(labels);
      stopTimer(labels);
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };
}

/** Known routes by path; everything else as one label, so scanners can't explode the metric's cardinality. */
function routeLabel(path: unknown): string {
  return typeof path === 'string' ? path : 'unmatched';
}

/** 405 JSON naming the methods a route allows, and 204 with them for OPTIONS. */
function methodNotAllowed(allow: string): RequestHandler {
  return (req, res) => {
    if (req.method === 'OPTIONS') {
      res.setHeader('Allow', `${allow}, OPTIONS`);
      res.status(204).end();
      return;
    }
    res.setHeader('Allow', allow);
    res.status(405).json({ error: 'method not allowed' });
  };
}

function answerErrorsWithoutDetails(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const status = httpStatusOf(error);
    if (status >= 500) logger.error({ err: error, url: req.originalUrl }, 'request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).json({ error: status >= 500 ? 'internal error' : 'bad request' });
  };
}

function httpStatusOf(error: unknown): number {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 600 ? status : 500;
}
