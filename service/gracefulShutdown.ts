import type http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createTerminus } from '@godaddy/terminus';
import type { Config } from './config.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { ServiceState } from './serviceState.js';

export interface ShutdownDependencies {
  server: http.Server;
  config: Pick<Config, 'shutdownDelayMs' | 'shutdownTimeoutMs'>;
  state: ServiceState;
  metrics: Metrics;
  logger: Logger;
  /** process.exit, replaceable in tests. */
  exit?: (code: number) => never;
}

/** The signals that begin the shutdown: SIGTERM from the kubelet, SIGINT from Ctrl-C. */
export const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * SIGTERM or SIGINT → readiness 503 at once → keep serving for shutdownDelayMs, every response with
 * `Connection: close` → stop accepting → in-flight requests finish (up to shutdownTimeoutMs) → idle
 * sockets closed → exit 0. If that takes longer than shutdownDelayMs + shutdownTimeoutMs, exit 1 and
 * log what was still open.
 *
 * Why keep serving after SIGTERM: Kubernetes removes the pod from the Service's endpoints and sends
 * SIGTERM at the same moment, and the endpoint change takes a while to reach every proxy, so new
 * connections keep arriving for a few seconds.
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 */
export function installGracefulShutdown(deps: ShutdownDependencies): void {
  const { server, config, state, metrics, logger } = deps;
  const exit = deps.exit ?? ((code: number) => process.exit(code));

  createTerminus(server, {
    signals: [...SIGNALS],
    // Exit explicitly. Without useExit0, terminus re-sends the signal to itself to exit, and as PID 1 in a
    // container a signal with no handler is ignored: the pod would hang until SIGKILL.
    // https://github.com/godaddy/terminus#how-to-set-terminus-up-with-kubernetes
    useExit0: true,
    // Terminus's own bound on in-flight requests after it stops accepting. Our hard deadline below fires
    // first and exits 1; this is only a backstop.
    timeout: config.shutdownTimeoutMs + 1000,
    beforeShutdown: async () => {
      state.beginShutdown();
      metrics.shuttingDown.set(1);
      logger.info('signal received; readiness now answers 503');
      logger.info({ delayMs: config.shutdownDelayMs }, 'drain begun');
      startHardDeadline();
      await sleep(config.shutdownDelayMs);
      logger.info({ inFlight: state.inFlight.size }, 'drain over; no longer accepting connections');
    },
    onShutdown: async () => {
      logger.info('server closed');
      logger.info({ code: 0 }, 'exit');
    },
    logger: (message, error) => logger.error({ err: error }, message),
  });

  function startHardDeadline(): void {
    const deadlineMs = config.shutdownDelayMs + config.shutdownTimeoutMs;
    const timer = setTimeout(() => {
      const now = Date.now();
      const open = [...state.inFlight].map((r) => ({
        method: r.method,
        url: r.url,
        ageMs: now - r.startedAt,
      }));
      logger.error(
        { deadlineMs, open },
        `shutdown deadline passed with ${open.length} request(s) open; exit 1`,
      );
      exit(1);
    }, deadlineMs);
    timer.unref();
  }
}
