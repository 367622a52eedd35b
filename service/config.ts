import os from 'node:os';
import { z } from 'zod';

/**
 * The service's settings. `process.env` is read here and nowhere else: every value is validated at
 * start-up, and a bad one stops the process with one line naming the variable and what it accepts.
 */
export interface Config {
  port: number;
  appVersion: '1' | '2';
  /** Simulated work per `GET /` request. */
  workDelayMs: number;
  /** How long to keep serving after SIGTERM, so traffic can move elsewhere before we stop accepting. */
  shutdownDelayMs: number;
  /** How long in-flight requests may take to finish once we stop accepting. */
  shutdownTimeoutMs: number;
  /** false: exit at once on SIGTERM, like an app with no handler. Only for showing what that loses. */
  gracefulShutdown: boolean;
  podName: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Time spent initialising before the server listens (a real app connects to its dependencies here). */
  startupDelayMs: number;
  /** TEST ONLY: a broken build, for the harness's fault scenarios. 'none' in any real deployment. */
  fault: Fault;
}

/**
 * TEST-ONLY faults, so the harness can show what a broken release does to a rollout:
 *   never-ready          /health never answers 200 (the rollout must stall, traffic must stay on the old pods)
 *   crash-at-start       the process exits 1 right after starting (CrashLoopBackOff)
 *   no-connection-close  the drain keeps keep-alive connections open (no `Connection: close`)
 */
export const FAULTS = ['none', 'never-ready', 'crash-at-start', 'no-connection-close'] as const;
export type Fault = (typeof FAULTS)[number];

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Default work per version, as in the original sample: v1 took 2 s, v2 1 s. */
const DEFAULT_WORK_DELAY_MS = { '1': 2000, '2': 1000 } as const;
const MAX_MS = 600_000;

const MILLISECONDS = `a whole number of milliseconds from 0 to ${MAX_MS}`;
const milliseconds = z.coerce.number().int().min(0).max(MAX_MS);

// Each description says what the variable accepts; it is the second half of the error line.
const schema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('a port number from 0 to 65535'),
  APP_VERSION: z.enum(['1', '2']).default('1').describe('1 or 2'),
  WORK_DELAY_MS: milliseconds.optional().describe(MILLISECONDS),
  SHUTDOWN_DELAY_MS: milliseconds.default(5000).describe(MILLISECONDS),
  SHUTDOWN_TIMEOUT_MS: milliseconds.default(10000).describe(MILLISECONDS),
  GRACEFUL_SHUTDOWN: z.enum(['true', 'false']).default('true').describe('true or false'),
  POD_NAME: z.string().min(1).max(253).optional().describe('a name of 1 to 253 characters'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('one of fatal, error, warn, info, debug, trace, silent'),
  STARTUP_DELAY_MS: milliseconds.default(0).describe(MILLISECONDS),
  FAULT: z
    .enum(FAULTS)
    .default('none')
    .describe(`one of ${FAULTS.join(', ')}`),
});

/** Reads and validates the settings; throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  // An empty variable (`FOO=`) means "not set", as it does for most tools.
  const present = Object.fromEntries(
    Object.keys(schema.shape).flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      const accepts = schema.shape[name as keyof typeof schema.shape].description;
      return `Invalid ${name}=${JSON.stringify(env[name])}: expected ${accepts}.`;
    });
    throw new ConfigError([...new Set(lines)].join('\n'));
  }
  const values = parsed.data;
  return {
    port: values.PORT,
    appVersion: values.APP_VERSION,
    workDelayMs: values.WORK_DELAY_MS ?? DEFAULT_WORK_DELAY_MS[values.APP_VERSION],
    shutdownDelayMs: values.SHUTDOWN_DELAY_MS,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    gracefulShutdown: values.GRACEFUL_SHUTDOWN === 'true',
    podName: values.POD_NAME ?? os.hostname(),
    logLevel: values.LOG_LEVEL,
    startupDelayMs: values.STARTUP_DELAY_MS,
    fault: values.FAULT,
  };
}
