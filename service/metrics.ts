import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics of one service instance, on their own registry (tests create many instances). */
export interface Metrics {
  registry: Registry;
  requests: Counter<'route' | 'method' | 'status' | 'version'>;
  duration: Histogram<'route' | 'method' | 'status' | 'version'>;
  inFlight: Gauge;
  shuttingDown: Gauge;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const labelNames = ['route', 'method', 'status', 'version'] as const;
  return {
    registry,
    requests: new Counter({
      name: 'http_requests_total',
      help: 'HTTP requests answered, by route, method, status and version.',
      labelNames,
      registers: [registry],
    }),
    duration: new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time from request to response, by route, method, status and version.',
      labelNames,
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 1.5, 2, 2.5, 5, 10],
      registers: [registry],
    }),
    inFlight: new Gauge({
      name: 'http_requests_in_flight',
      help: 'Requests being served right now.',
      registers: [registry],
    }),
    shuttingDown: new Gauge({
      name: 'app_shutting_down',
      help: '1 from the moment shutdown begins, else 0.',
      registers: [registry],
    }),
  };
}
