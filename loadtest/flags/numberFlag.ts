/** A number flag: its range, the words its error uses for the value, and its default (null: required). */
export interface NumberFlagSpec {
  name: string;
  min: number;
  max: number;
  /** What the value is, as the error says it: "expected <unit> from <min> to <max>." */
  unit: string;
  /** Used when the flag is absent; null makes it required. */
  fallback: number | null;
  /** Whole numbers only. */
  whole?: boolean;
}

/**
 * --rate, one range for every command that takes it (demo:rollout, demo:matrix, load): 1 to 20 000 requests
 * per second, the most the generator benchmark asks of the load tool (bench/generatorCapacity.ts).
 */
export const RATE_FLAG: NumberFlagSpec = {
  name: 'rate',
  min: 1,
  max: 20_000,
  unit: 'requests per second',
  fallback: 100,
};

/** --streams: long-lived SSE clients beside the requests; each holds a connection (and a pod's socket). */
export const STREAMS_FLAG: NumberFlagSpec = {
  name: 'streams',
  min: 0,
  max: 1000,
  unit: 'a whole number of streams',
  fallback: 0,
  whole: true,
};

/**
 * The one number parser of every command: the flag's value within [min, max], or its fallback when absent.
 * Anything else goes to `usageError` (each command's own error class: one plain line, exit 2).
 */
export function numberFlag(
  spec: NumberFlagSpec,
  raw: string | undefined,
  usageError: (message: string) => Error,
): number {
  if (raw === undefined) {
    if (spec.fallback === null) throw usageError(`--${spec.name} is required. See --help.`);
    return spec.fallback;
  }
  const n = Number(raw);
  const wrongKind = spec.whole ? !Number.isInteger(n) : !Number.isFinite(n);
  if (raw.trim() === '' || wrongKind || n < spec.min || n > spec.max)
    throw usageError(
      `Invalid --${spec.name} "${raw}": expected ${spec.unit} from ${spec.min} to ${spec.max}.`,
    );
  return n;
}
