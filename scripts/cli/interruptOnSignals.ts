/**
 * Ctrl-C (SIGINT) and SIGTERM as the demo handles them. The first aborts the returned signal: the
 * run stops the load, tears the target down and writes a partial report. A second one means "now":
 * the process exits 130 at once, without a report.
 *
 * Exiting matters, dying of the signal would not do: Node runs no 'exit' listener when a signal
 * kills it (https://nodejs.org/api/process.html#event-exit), and k6 runs detached, in its own
 * process group, so that the terminal's Ctrl-C does not reach it as a second signal
 * (loadtest/k6Generator.ts). Its generator kills it from an 'exit' listener; without one it would
 * go on loading the Service, winding down or not, long after the harness is gone.
 */
export function interruptOnSignals(note: (line: string) => void): AbortSignal {
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      controller.abort();
      return;
    }
    note(`${signal} again: stopping at once, no report`);
    process.exit(130);
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, onSignal);
  return controller.signal;
}
