import { summaryRows } from '../report/summaryRows.js';
import type { RunReport } from '../report/runReport.js';
import type { ProgressOutput } from '../rollout/rolloutProgress.js';

/**
 * What the demo prints while it runs: step lines with the elapsed time, and a live status line while
 * load runs (rewritten in place on a terminal; a plain line every few seconds when output goes to a
 * file or CI log, where carriage returns make a mess).
 */
const PLAIN_STATUS_EVERY_MS = 5000;

export function createProgressOutput(stream: NodeJS.WriteStream = process.stdout): ProgressOutput {
  const startedAt = performance.now();
  const live = stream.isTTY === true;
  let statusShown = '';
  let lastPlainStatusAt = -Infinity;
  const elapsed = () => `${((performance.now() - startedAt) / 1000).toFixed(1).padStart(6)}s`;
  const clearStatus = () => {
    if (live && statusShown) stream.write('\r\x1b[2K');
  };
  const redrawStatus = () => {
    if (live && statusShown) stream.write(statusShown);
  };
  return {
    step(text) {
      clearStatus();
      stream.write(`[${elapsed()}] ${text}\n`);
      redrawStatus();
    },
    status(text) {
      const line = `[${elapsed()}]   ${text}`;
      if (live) {
        clearStatus();
        statusShown = line.slice(0, (stream.columns ?? 120) - 1);
        stream.write(statusShown);
      } else if (performance.now() - lastPlainStatusAt >= PLAIN_STATUS_EVERY_MS) {
        lastPlainStatusAt = performance.now();
        stream.write(`${line}\n`);
      }
    },
    note(text) {
      clearStatus();
      statusShown = '';
      stream.write(`${text}\n`);
    },
  };
}

/** The final table: what a reader needs to believe (or doubt) the verdict (the report's summary rows). */
export function formatSummary(report: RunReport): string {
  const rows = summaryRows(report).filter((row) => !row.filesOnly);
  const width = Math.max(...rows.map((row) => row.label.length));
  return rows.map((row) => `  ${row.label.toLowerCase().padEnd(width)}  ${row.value}`).join('\n');
}
