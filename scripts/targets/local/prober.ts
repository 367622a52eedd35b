import http from 'node:http';
import net from 'node:net';
import type { ProbeHandler, ProbeSettings } from '../../manifests/containerSettings.js';

/**
 * The kubelet's probes: a check every periodSeconds (the first after initialDelaySeconds), each with
 * timeoutSeconds; the verdict flips to healthy after successThreshold successes in a row and to
 * unhealthy after failureThreshold failures in a row. Before the first verdict, a readiness probe
 * counts as failed. An httpGet probe succeeds on a status from 200 to 399.
 * https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */

export interface ProbeOutcome {
  ok: boolean;
  /** Why it failed: 'HTTP 503', 'ECONNREFUSED', 'timeout after 1 s', ... */
  detail: string;
}

/** Runs one check of `handler` against 127.0.0.1. Never rejects. */
export function probeOnce(handler: ProbeHandler, timeoutSeconds: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const timeoutMs = timeoutSeconds * 1000;
    const fail = (detail: string) => resolve({ ok: false, detail });
    if (handler.type === 'tcpSocket') {
      const socket = net.connect({ host: '127.0.0.1', port: handler.port, timeout: timeoutMs });
      socket.once('connect', () => {
        socket.destroy();
        resolve({ ok: true, detail: 'connected' });
      });
      socket.once('timeout', () => {
        socket.destroy();
        fail(`timeout after ${timeoutSeconds} s`);
      });
      socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
      return;
    }
    // The kubelet probes with a fresh connection each time (no keep-alive) and a User-Agent of its own.
    const request = http.get(
      {
        host: '127.0.0.1',
        port: handler.port,
        path: handler.path,
        agent: false,
        timeout: timeoutMs,
        headers: { 'User-Agent': 'kube-probe/local', Connection: 'close' },
      },
      (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 400, detail: `HTTP ${status}` });
      },
    );
    request.once('timeout', () => {
      request.destroy();
      fail(`timeout after ${timeoutSeconds} s`);
    });
    request.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}

export interface Prober {
  stop(): void;
}

export interface ProberOptions {
  settings: ProbeSettings;
  /** Called when the verdict changes (healthy after successThreshold, unhealthy after failureThreshold). */
  onVerdict: (healthy: boolean, detail: string) => void;
  /** Runs one check; probeOnce by default, replaceable in tests. */
  check?: (handler: ProbeHandler, timeoutSeconds: number) => Promise<ProbeOutcome>;
}

/** Starts probing at once (after initialDelaySeconds); the verdict starts unknown. */
export function startProber({ settings, onVerdict, check = probeOnce }: ProberOptions): Prober {
  let stopped = false;
  let verdict: boolean | null = null;
  let successes = 0;
  let failures = 0;
  let timer: NodeJS.Timeout;

  async function tick() {
    if (stopped) return;
    const startedAt = performance.now();
    const outcome = await check(settings.handler, settings.timeoutSeconds);
    if (stopped) return;
    if (outcome.ok) {
      successes++;
      failures = 0;
      if (verdict !== true && successes >= settings.successThreshold) {
        verdict = true;
        onVerdict(true, outcome.detail);
      }
    } else {
      failures++;
      successes = 0;
      if (verdict !== false && failures >= settings.failureThreshold) {
        verdict = false;
        onVerdict(false, outcome.detail);
      }
    }
    if (stopped) return;
    // The next check is due one period after this one started (the kubelet runs probes on a ticker).
    const waitMs = Math.max(0, settings.periodSeconds * 1000 - (performance.now() - startedAt));
    timer = setTimeout(tick, waitMs);
  }

  timer = setTimeout(tick, settings.initialDelaySeconds * 1000);
  return {
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
