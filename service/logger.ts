import { pino, type Logger } from 'pino';
import type { Config } from './config.js';

export type { Logger };

/** JSON logs on stdout; every line carries the version and pod, so mixed logs of a rollout stay readable. */
export function createLogger(config: Pick<Config, 'logLevel' | 'appVersion' | 'podName'>): Logger {
  return pino(
    { level: config.logLevel, base: { version: config.appVersion, pod: config.podName } },
    // Synchronous: some lines come right before process.exit(), which would drop anything still buffered,
    // and an `order processed` line (the one per-request line, POST /orders) is the record of what the pod
    // processed: it must be out before the answer is.
    pino.destination({ dest: 1, sync: true }),
  );
}
