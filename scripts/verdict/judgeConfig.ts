import { isFailed, type RequestSample, type RunRecord } from '../model.js';
import { judgedWindow } from './judgedWindow.js';

/** What the configuration check found: for the verdict's check and the report's words alike. */
export interface ConfigConsistency {
  /** Answers to requests scheduled after completion + settle, up to the judged end of the load. */
  judged: number;
  /** Of those, the ones not built from the new configuration. */
  stale: number;
  /** Which configurations those stale answers carried, by hash. */
  staleHashes: Record<string, number>;
  /** When the last answer built from the old configuration ended, ms after the rollout started; null: none. */
  lastOldAnswerMs: number | null;
  /** When the first answer built from the new one ended, ms after the rollout started; null: none. */
  firstNewAnswerMs: number | null;
  /** Whether old answers went on into the last second of the judged load: their end was never seen. */
  oldUntilLoadEnd: boolean;
  /** From when answers are judged: the rollout's completion plus the settle time; null: never completed. */
  judgedFrom: number | null;
}

/**
 * After the rollout completes, plus the settle time (the longest an old pod may still answer), every
 * answer must carry the new configuration. Returns null when the run changed no configuration.
 */
export function judgeConfig(run: RunRecord): ConfigConsistency | null {
  const change = run.change;
  if (!change || change.kind === 'code') return null;
  const startedAt = run.rollout.startedAt ?? 0;
  const ok = run.samples.filter((s) => !isFailed(s));
  const endedAfterStart = (hash: string, pick: (times: number[]) => number) => {
    const times = ok.filter((s) => s.configHash === hash && s.endedAt >= startedAt).map((s) => s.endedAt);
    return times.length === 0 ? null : pick(times) - startedAt;
  };
  const judgedFrom = run.rollout.completedAt === null ? null : run.rollout.completedAt + change.settleMs;
  const judgedEnd = judgedWindow(run)?.endedAt ?? null;
  const judged: RequestSample[] =
    judgedFrom === null || judgedEnd === null
      ? []
      : ok.filter((s) => s.scheduledAt > judgedFrom && s.scheduledAt <= judgedEnd);
  const staleOnes = judged.filter((s) => s.configHash !== change.configTo.hash);
  const oldUntilLoadEnd =
    judgedEnd !== null &&
    staleOnes.some((s) => s.configHash === change.configFrom.hash && s.scheduledAt > judgedEnd - 1000);
  const staleHashes: Record<string, number> = {};
  for (const s of staleOnes)
    staleHashes[s.configHash ?? 'none'] = (staleHashes[s.configHash ?? 'none'] ?? 0) + 1;
  return {
    judged: judged.length,
    stale: staleOnes.length,
    staleHashes,
    lastOldAnswerMs:
      change.configFrom.hash === change.configTo.hash
        ? null
        : endedAfterStart(change.configFrom.hash, (t) => t.reduce((a, b) => Math.max(a, b))),
    firstNewAnswerMs: endedAfterStart(change.configTo.hash, (t) => t.reduce((a, b) => Math.min(a, b))),
    oldUntilLoadEnd,
    judgedFrom,
  };
}
