import type { RunRecord } from '../model.js';

/** The part of the load window in which every request sent has its sample. */
export interface JudgedWindow {
  startedAt: number;
  endedAt: number;
  /** How much was taken off the end of the load window (0: nothing was lost). */
  cutMs: number;
}

/**
 * A generator that waits for its requests in flight when it is stopped (the built-in one) recorded
 * its whole window. One that ends them unrecorded did not: k6 aborts at once on SIGINT and pushes no
 * sample for a request whose context was cancelled (grafana/k6 metrics.PushIfNotDone), so the
 * requests sent in its last moments are simply missing. At 100 rps with 1-2 s answers that is 100-200
 * requests, which would read as load not delivered, and any of them might have failed unseen.
 *
 * Such a run is judged on the window it did record: up to the stop minus the longest a request can
 * have been in flight. That is the request timeout at most, and the longest latency recorded when
 * answers were quicker than that; a lost request slower than any recorded one still counts as not
 * delivered, which errs towards failing, never towards passing.
 */
export function judgedWindow(run: Pick<RunRecord, 'load' | 'samples'>): JudgedWindow | null {
  const { startedAt, endedAt, inFlightAtStop, requestTimeoutMs } = run.load;
  if (startedAt === null || endedAt === null) return null;
  if (inFlightAtStop !== 'lost') return { startedAt, endedAt, cutMs: 0 };
  let longest = 0;
  // A loop, not Math.max(...array): spreading a long run's samples overflows the call stack.
  for (const s of run.samples) longest = Math.max(longest, s.latencyMs);
  const bound = requestTimeoutMs ?? Infinity;
  const cutMs = run.samples.length === 0 ? bound : Math.min(bound, longest);
  if (!Number.isFinite(cutMs)) return null;
  return { startedAt, endedAt: endedAt - cutMs, cutMs };
}
