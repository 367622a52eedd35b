/**
 * Waits for the event a test depends on, never for a stretch of wall time, and never for ever: past
 * the deadline the test fails, naming what did not happen. A deadline is a bound on a hang, not a
 * measurement: make it generous (a cold CI machine starts a process twice as slowly as this one).
 */

/** Polls `condition` every 20 ms until it holds; fails after `withinMs` with `what` did not happen. */
export async function until(what: string, condition: () => boolean, withinMs: number): Promise<void> {
  const deadline = performance.now() + withinMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves as `promise` does; fails after `withinMs` with `what` did not happen. */
export async function within<T>(what: string, promise: Promise<T>, withinMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`not within ${withinMs} ms: ${what}`)), withinMs);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}
