import { parseMix } from '../requestMix.js';
import { numberFlag, onOffFlag, textFlag, type NumberRange } from './flag.js';

/**
 * The flags more than one command takes, each with one range wherever it appears (demo:rollout, demo:matrix,
 * demo:fidelity, load, the benchmarks). A command may give one its own default, never its own range.
 */

/**
 * --rate: 1 to 20 000 requests per second, the most the generator benchmark asks of the load tool
 * (bench/generatorCapacity.ts).
 */
export const RATE: NumberRange = { min: 1, max: 20_000, unit: 'requests per second' };

/** --warmup, --cooldown: seconds of load before the rollout and after the old pods are gone. */
export const SECONDS_OF_LOAD: NumberRange = { min: 1, max: 3600, unit: 'seconds' };

/** --repeat: runs of each row (demo:matrix, demo:fidelity). */
export const REPEAT = numberFlag({
  min: 1,
  max: 100,
  unit: 'a whole number',
  whole: true,
  default: 1,
  help: 'runs of each row',
});

/** --timeout, in seconds wherever it appears: how long one request may take before it counts as failed. */
export const TIMEOUT = numberFlag({
  min: 0.1,
  max: 600,
  unit: 'seconds',
  default: 10,
  value: 'S',
  help: 'per-request timeout in seconds',
});

export const KEEP_ALIVE = onOffFlag({ default: true, help: 'reuse connections' });

/** --mix: the share of `POST /orders` among the requests (absent: the command's default, GETs only). */
export const mixFlag = (help: string, shownDefault = 'get:100') =>
  textFlag({ value: 'get:P,post:Q', help, shownDefault, parse: parseMix });

/** --streams: long-lived SSE clients beside the requests; each holds a connection (and a pod's socket). */
export const STREAMS_RANGE: NumberRange = {
  min: 0,
  max: 1000,
  unit: 'a whole number of streams',
  whole: true,
};
