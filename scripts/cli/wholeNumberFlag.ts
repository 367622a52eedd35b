import { UsageError } from '../errors.js';

/** A whole-number flag from 1 to `max`, or `fallback` when absent; anything else is a UsageError (exit 2). */
export function wholeNumberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new UsageError(`Invalid --${name} "${raw}": expected a whole number from 1 to ${max}.`);
  return n;
}
