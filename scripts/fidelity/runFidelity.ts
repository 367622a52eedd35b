import path from 'node:path';
import { readReportJson, runDemo } from '../matrix/runMatrix.js';
import type { FidelityRow } from './fidelityRows.js';
import { judgeFidelityRun, type FidelityReportFields } from './judgeFidelityRun.js';

export type FidelityTarget = 'local' | 'kube';
export const FIDELITY_TARGETS: readonly FidelityTarget[] = ['local', 'kube'];

/** What one run of one row on one target showed, read back from its report.json. */
export interface FidelityRun {
  dir: string;
  exitCode: number | null;
  verdict: string;
  failed: number;
  total: number;
  byError: Record<string, number>;
  asExpected: boolean;
}

export interface FidelityResult {
  row: FidelityRow;
  runs: Record<FidelityTarget, FidelityRun[]>;
}

export interface FidelityOptions {
  rows: FidelityRow[];
  repeat: number;
  outDir: string;
  demoEntry: string;
  /** Flags every run shares (warm-up, cool-down). */
  sharedFlags: string[];
  /** How each target is named on the demo's command line. */
  targetFlags: Record<FidelityTarget, string[]>;
  onRunDone: (
    row: FidelityRow,
    target: FidelityTarget,
    run: FidelityRun,
    index: number,
    total: number,
  ) => void;
  signal: AbortSignal;
}

/** Each row on each target, `repeat` times, one demo:rollout process at a time (they would share the cores). */
export async function runFidelity(options: FidelityOptions): Promise<FidelityResult[]> {
  const results: FidelityResult[] = options.rows.map((row) => ({ row, runs: { local: [], kube: [] } }));
  const total = options.rows.length * options.repeat * FIDELITY_TARGETS.length;
  let index = 0;
  for (let repeat = 1; repeat <= options.repeat; repeat++) {
    for (const result of results) {
      for (const target of FIDELITY_TARGETS) {
        if (options.signal.aborted) return results;
        const { row } = result;
        const dir = path.join(options.outDir, 'runs', `${row.id}-${target}-${repeat}`);
        const flags = [
          ...options.targetFlags[target],
          ...options.sharedFlags,
          '--scenario',
          row.scenario,
          '--keep-alive',
          row.keepAlive ? 'on' : 'off',
          '--rate',
          String(row.rate),
          ...row.extraFlags,
          '--out',
          dir,
        ];
        const exitCode = await runDemo(options.demoEntry, flags, `${dir}.log`);
        const run = readRun(row, dir, exitCode);
        result.runs[target].push(run);
        options.onRunDone(row, target, run, ++index, total);
      }
    }
  }
  return results;
}

function readRun(row: FidelityRow, dir: string, exitCode: number | null): FidelityRun {
  const report = readReportJson<FidelityReportFields>(dir);
  // No report: the run broke before writing one; its log (<dir>.log) says why.
  if (!report)
    return { dir, exitCode, verdict: 'no report', failed: 0, total: 0, byError: {}, asExpected: false };
  return {
    dir,
    exitCode,
    verdict: report.verdict,
    failed: report.requests.failed,
    total: report.requests.total,
    byError: report.requests.byError,
    asExpected: judgeFidelityRun(row.expected, report),
  };
}
