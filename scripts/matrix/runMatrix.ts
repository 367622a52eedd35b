import { matchesExpectation } from '../verdict/judgeExpectation.js';
import type { CheckId } from '../verdict/checks.js';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { MatrixRow } from './matrixRows.js';

/** What one run of one row showed, read back from its report.json. */
export interface MatrixRun {
  dir: string;
  exitCode: number | null;
  verdict: string;
  failed: number;
  total: number;
  byError: Record<string, number>;
  rolloutComplete: boolean;
  loadDelivered: boolean;
  asExpected: boolean;
}

export interface MatrixResult {
  row: MatrixRow;
  runs: MatrixRun[];
  /** Every run matched the expectation. */
  asExpected: boolean;
}

export interface MatrixOptions {
  rows: MatrixRow[];
  repeat: number;
  outDir: string;
  /** The demo:rollout entry and the flags every run shares (warm-up, cool-down, rate, ...). */
  demoEntry: string;
  sharedFlags: string[];
  onRunDone: (row: MatrixRow, run: MatrixRun, index: number, total: number) => void;
  signal: AbortSignal;
}

/** Whether one run showed what its row expects (judgeExpectation.ts). */
export function judgeAgainstExpectation(row: MatrixRow, report: ReportFields): boolean {
  return matchesExpectation(
    {
      drops: row.expected,
      ...(row.expectedConfig ? { config: row.expectedConfig } : {}),
      ...(row.expectedFailing ? { failing: row.expectedFailing } : {}),
    },
    report,
  );
}

interface ReportFields {
  verdict: string;
  requests: { total: number; failed: number; byError: Record<string, number> };
  rollout: { complete: boolean };
  checks: Array<{ id: CheckId; passed: boolean | null }>;
}

/** Runs every row `repeat` times, one demo:rollout process at a time (they would share the cores). */
export async function runMatrix(options: MatrixOptions): Promise<MatrixResult[]> {
  const results: MatrixResult[] = options.rows.map((row) => ({ row, runs: [], asExpected: false }));
  const total = options.rows.length * options.repeat;
  let index = 0;
  for (let repeat = 1; repeat <= options.repeat; repeat++) {
    for (const result of results) {
      if (options.signal.aborted) return results;
      const { row } = result;
      const dir = path.join(options.outDir, 'runs', `${row.id}-${repeat}`);
      const flags = [
        ...options.sharedFlags,
        '--scenario',
        row.scenario,
        '--keep-alive',
        row.keepAlive ? 'on' : 'off',
        '--propagation-lag',
        String(row.propagationLagS),
        '--rate',
        String(row.rate),
        // Never --load auto: with k6 installed it would judge the row with a generator it was not measured with.
        '--load',
        row.load,
        '--out',
        dir,
      ];
      const exitCode = await runDemo(
        options.demoEntry,
        flags,
        path.join(options.outDir, 'runs', `${row.id}-${repeat}.log`),
      );
      const run = readRun(row, dir, exitCode);
      result.runs.push(run);
      options.onRunDone(row, run, ++index, total);
    }
  }
  for (const result of results)
    result.asExpected = result.runs.length === options.repeat && result.runs.every((r) => r.asExpected);
  return results;
}

/** Runs one demo:rollout process with `flags`, its output to `logFile`; resolves with its exit code. */
export function runDemo(entry: string, flags: string[], logFile: string): Promise<number | null> {
  fs.mkdirSync(path.dirname(logFile), { recursive: true });
  const log = fs.openSync(logFile, 'w');
  const child = spawn(process.execPath, [entry, ...flags], { stdio: ['ignore', log, log] });
  fs.closeSync(log);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.once('error', () => resolve(null));
  });
}

/** A run's report.json, or null when the run broke before writing one (its log says why). */
export function readReportJson<T>(dir: string): T | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'report.json'), 'utf8')) as T;
  } catch {
    return null;
  }
}

function readRun(row: MatrixRow, dir: string, exitCode: number | null): MatrixRun {
  const report = readReportJson<ReportFields>(dir);
  if (!report) {
    return {
      dir,
      exitCode,
      verdict: 'no report',
      failed: 0,
      total: 0,
      byError: {},
      rolloutComplete: false,
      loadDelivered: false,
      asExpected: false,
    };
  }
  return {
    dir,
    exitCode,
    verdict: report.verdict,
    failed: report.requests.failed,
    total: report.requests.total,
    byError: report.requests.byError,
    rolloutComplete: report.rollout.complete,
    loadDelivered: report.checks.find((c) => c.id === 'load-delivered')?.passed !== false,
    asExpected: judgeAgainstExpectation(row, report),
  };
}
