import { numberFlag } from '../../loadtest/flags/numberFlag.js';
import { UsageError } from '../errors.js';

/** A whole-number flag from 1 to `max`, or `fallback` when absent; anything else is a UsageError (exit 2). */
export function wholeNumberFlag(
  name: string,
  raw: string | undefined,
  fallback: number,
  max: number,
): number {
  const spec = { name, min: 1, max, unit: 'a whole number', fallback, whole: true };
  return numberFlag(spec, raw, (message) => new UsageError(message));
}
