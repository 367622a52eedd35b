/**
 * Bad usage: a bad flag or setting. Every command turns it into one plain line and exit status 2. It lives
 * here, with the flag parser that throws it most, because loadtest/ sits below the harness: the harness's
 * own usage errors (scripts/errors.ts) are this class too, so one `instanceof` serves every command.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
