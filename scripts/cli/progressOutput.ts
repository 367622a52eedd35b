import { extraSummaryRows } from '../report/extraSummaryRows.js';
import type { RunReport } from '../report/summarizeRun.js';

/**
 * What the demo prints while it runs: step lines with the elapsed time, and a live status line while
 * load runs (rewritten in place on a terminal; a plain line every few seconds when output goes to a
 * file or CI log, where carriage returns make a mess).
 */
export interface ProgressOutput {
  step(text: string): void;
  status(text: string): void;
  note(text: string): void;
}

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

/** The final table: what a reader needs to believe (or doubt) the verdict. */
export function formatSummary(report: RunReport): string {
  const ms = (value: number | null) => (value === null ? '-' : `${Math.round(value)} ms`);
  const seconds = (value: number | null) => (value === null ? '-' : `${(value / 1000).toFixed(1)} s`);
  const versions = Object.entries(report.requests.byVersion)
    .map(([version, count]) => `v${version}: ${count}`)
    .join(', ');
  const errors = Object.entries(report.requests.byError)
    .map(([kind, count]) => `${kind}: ${count}`)
    .join(', ');
  const rows: Array<[string, string]> = [
    ['verdict', report.verdict.toUpperCase()],
    ['target / scenario', `${report.target} / ${report.scenario}`],
    ['requests', `${report.requests.total} sent, ${report.requests.ok} ok, ${report.requests.failed} failed`],
    ['answers by version', versions || '-'],
    ['failures by kind', errors || 'none'],
    [
      'latency p50 / p95 / p99',
      `${ms(report.latencyMs.p50)} / ${ms(report.latencyMs.p95)} / ${ms(report.latencyMs.p99)}`,
    ],
    [
      'load',
      `${report.load.generator}, ${report.load.rate} rps requested, ` +
        `${report.load.achievedRate === null ? '-' : report.load.achievedRate.toFixed(1)} achieved, ` +
        `keep-alive ${report.load.keepAlive ? 'on' : 'off'}`,
    ],
    ['rollout', `${report.rollout.outcome}, ${seconds(report.rollout.durationMs)}`],
    ...extraSummaryRows(report).map(([label, value]): [string, string] => [label.toLowerCase(), value]),
    [
      'coverage',
      `load from ${seconds(report.coverage.loadBeforeRolloutMs)} before the rollout ` +
        `to ${seconds(report.coverage.loadAfterRolloutMs)} after it`,
    ],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `  ${label.padEnd(width)}  ${value}`).join('\n');
}
