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
  podName: string;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Simulated start-up work before the server listens (a real app connects to its dependencies here). */
  startupDelayMs: number;
  /** The first word of every answer ("Hello from version 1!"): the service's one piece of configuration. */
  greeting: string;
  /**
   * Where to read the greeting instead, re-read whenever the file changes (a mounted ConfigMap). The
   * file's content is checked like GREETING; see greetingSource.ts.
   */
  greetingFile: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Environment variables a module reads, by name. Each schema's description says what it accepts: it is
 * the second half of the error line.
 */
export type Variables = Record<string, z.ZodType>;

/** Default work per version: v1 takes 2 s, v2 1 s. */
const DEFAULT_WORK_DELAY_MS = { '1': 2000, '2': 1000 } as const;
const MAX_MS = 600_000;

const MILLISECONDS = `a whole number of milliseconds from 0 to ${MAX_MS}`;
const milliseconds = z.coerce.number().int().min(0).max(MAX_MS);

/** A greeting, from the environment or a file: one line of printable text, as a config value should be. */
export const greetingSchema = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[^\p{C}]+$/u);
export const GREETING_TEXT = 'one line of 1 to 100 printable characters';

const variables = {
  PORT: z.coerce.number().int().min(0).max(65535).default(8080).describe('a port number from 0 to 65535'),
  APP_VERSION: z.enum(['1', '2']).default('1').describe('1 or 2'),
  WORK_DELAY_MS: milliseconds.optional().describe(MILLISECONDS),
  SHUTDOWN_DELAY_MS: milliseconds.default(5000).describe(MILLISECONDS),
  SHUTDOWN_TIMEOUT_MS: milliseconds.default(10000).describe(MILLISECONDS),
  POD_NAME: z.string().min(1).max(253).optional().describe('a name of 1 to 253 characters'),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('one of fatal, error, warn, info, debug, trace, silent'),
  STARTUP_DELAY_MS: milliseconds.default(0).describe(MILLISECONDS),
  GREETING: greetingSchema.default('Hello').describe(GREETING_TEXT),
  GREETING_FILE: z.string().startsWith('/').optional().describe('an absolute file path'),
} satisfies Variables;

/** Reads and validates the settings; throws ConfigError with one line per bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const values = loadVariables(env, variables);
  return {
    port: values.PORT,
    appVersion: values.APP_VERSION,
    workDelayMs: values.WORK_DELAY_MS ?? DEFAULT_WORK_DELAY_MS[values.APP_VERSION],
    shutdownDelayMs: values.SHUTDOWN_DELAY_MS,
    shutdownTimeoutMs: values.SHUTDOWN_TIMEOUT_MS,
    podName: values.POD_NAME ?? os.hostname(),
    logLevel: values.LOG_LEVEL,
    startupDelayMs: values.STARTUP_DELAY_MS,
    greeting: values.GREETING,
    greetingFile: values.GREETING_FILE,
  };
}

/**
 * Reads and validates the variables a module declares (loadConfig's, or those of a module of its own),
 * so every setting is checked the same way; throws ConfigError with one line per bad variable.
 */
export function loadVariables<V extends Variables>(
  env: NodeJS.ProcessEnv,
  declared: V,
): z.output<z.ZodObject<V>> {
  // An empty variable (`FOO=`) means "not set", as it does for most tools.
  const present = Object.fromEntries(
    Object.keys(declared).flatMap((name) => (env[name] ? [[name, env[name]]] : [])),
  );
  const parsed = z.object(declared).safeParse(present);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => {
    const name = String(issue.path[0]);
    return `Invalid ${name}=${JSON.stringify(env[name])}: expected ${declared[name]?.description}.`;
  });
  throw new ConfigError([...new Set(lines)].join('\n'));
}
