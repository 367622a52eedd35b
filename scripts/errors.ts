/**
 * The two errors every command line of the harness turns into one plain line and exit status 2. They live
 * below every layer that throws them, so no module has to import the CLI to say "bad usage". UsageError is
 * the flag parser's own (loadtest/ sits below the harness and throws it too): one class for every command.
 */
import { UsageError } from '../loadtest/flags/usageError.js';

/** A bad flag or setting. */
export { UsageError };

/** A tool the run needs is missing, too old or not answering (kind, docker, kubectl, the cluster's API). */
export class MissingPrerequisite extends UsageError {
  override name = 'MissingPrerequisite';
}
