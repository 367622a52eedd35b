import { readFile } from 'node:fs/promises';

/** What k6's end-of-test summary says about the thresholds. */
export interface K6ThresholdOutcome {
  /** True when every threshold held; null when the summary is missing or names none. */
  passed: boolean | null;
  /** 'metric: expression' of every threshold that did not hold, e.g. 'http_req_failed: rate==0'. */
  failed: string[];
}

interface SummaryData {
  metrics?: Record<string, { thresholds?: Record<string, { ok?: unknown }> } | undefined>;
}

/**
 * Reads the thresholds out of the summary handleSummary() wrote (the `data` object k6 passes it:
 * data.metrics[name].thresholds[expression].ok, see
 * https://grafana.com/docs/k6/latest/results-output/end-of-test/custom-summary/).
 *
 * This is the only place the outcome survives a stop by SIGINT: k6 still evaluates the thresholds
 * and runs handleSummary, but then exits 105 (ExternalAbort), not 99, whatever they said
 * (internal/cmd/run.go: the abort error wins over the thresholds error).
 */
export async function readK6Thresholds(path: string): Promise<K6ThresholdOutcome> {
  let data: SummaryData;
  try {
    data = JSON.parse(await readFile(path, 'utf8')) as SummaryData;
  } catch {
    return { passed: null, failed: [] };
  }
  const failed: string[] = [];
  let seen = 0;
  for (const [name, metric] of Object.entries(data.metrics ?? {})) {
    for (const [expression, result] of Object.entries(metric?.thresholds ?? {})) {
      seen++;
      if (result?.ok !== true) failed.push(`${name}: ${expression}`);
    }
  }
  return { passed: seen === 0 ? null : failed.length === 0, failed: failed.sort() };
}
