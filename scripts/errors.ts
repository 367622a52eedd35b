/**
 * The two errors every command line of the harness turns into one plain line and exit status 2. They live
 * here, below every layer that throws them, so no module has to import the CLI to say "bad usage".
 */

/** A bad flag or setting. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A tool the run needs is missing, too old or not answering (kind, docker, kubectl, the cluster's API). */
export class MissingPrerequisite extends UsageError {
  override name = 'MissingPrerequisite';
}
