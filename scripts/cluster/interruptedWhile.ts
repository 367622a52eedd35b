/**
 * Runs `work` and says whether SIGINT or SIGTERM reached this process meanwhile.
 *
 * The terminal sends Ctrl-C to the whole foreground process group, so a kubectl running in the
 * foreground gets it at the same moment as the harness, and ends in its own way: `rollout status`
 * exits 1 without a word (its interrupt handler calls os.Exit(1):
 * https://github.com/kubernetes/kubectl/blob/master/pkg/util/interrupt/interrupt.go). Read on its
 * own, that is a rollout that did not complete; it is an interruption.
 *
 * It listens only beside a handler that is already there (the CLI's): being the first SIGINT
 * listener would take away Node's default of exiting on Ctrl-C.
 */
export async function interruptedWhile<T>(
  work: () => Promise<T>,
): Promise<{ value: T; interrupted: boolean }> {
  let interrupted = false;
  const seen = (): void => {
    interrupted = true;
  };
  const watched = (['SIGINT', 'SIGTERM'] as const).filter((signal) => process.listenerCount(signal) > 0);
  for (const signal of watched) process.on(signal, seen);
  try {
    const value = await work();
    return { value, interrupted };
  } finally {
    for (const signal of watched) process.removeListener(signal, seen);
  }
}
