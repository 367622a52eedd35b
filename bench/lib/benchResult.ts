import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBenchFlags, QUICK } from './benchFlags.js';

/**
 * What every benchmark writes to bench/results/<name>.json, and what bench/writeResults.ts turns into
 * RESULTS.md: the machine and its load when the run began, then every figure with its target beside
 * it. A quick run (CI: keeps the code working, numbers not asserted) writes <name>.quick.json so it
 * never overwrites the real figures.
 */
export interface Figure {
  label: string;
  value: number | string | null;
  unit?: string;
  /** The target, as text ("≥ 0.95× direct"); absent for figures shown for context. */
  target?: string;
  /** Whether the target was met; null when it could not be judged (no value). */
  met?: boolean | null;
}

export interface Machine {
  cores: number;
  cpu: string;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the benchmark started: other work on a shared machine. */
  loadAverageAtStart: number[];
}

export interface BenchResult {
  name: string;
  title: string;
  date: string;
  quick: boolean;
  durationMs: number;
  machine: Machine;
  figures: Figure[];
  /** What limits a missed target, what the figures mean, caveats. */
  notes: string[];
  /** Everything measured, for whoever wants more than the figures. */
  details: unknown;
}

export const benchRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const resultsDir = path.join(benchRoot, 'bench/results');

export function machineInfo(): Machine {
  return {
    cores: os.cpus().length,
    cpu: os.cpus()[0]?.model ?? 'unknown',
    node: process.version,
    platform: os.platform(),
    loadAverageAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

export function resultFile(name: string, quick: boolean): string {
  return path.join(resultsDir, `${name}${quick ? '.quick' : ''}.json`);
}

/** A figure judged against a target: `met` is null when there is no value to judge. */
export function judged(
  label: string,
  value: number | null,
  unit: string,
  target: string,
  ok: (v: number) => boolean,
): Figure {
  return { label, value, unit, target, met: value === null || Number.isNaN(value) ? null : ok(value) };
}

/** Starts the clock and records the machine; finish() writes the JSON and returns its path. */
export function startBench(name: string, title: string, quick: boolean) {
  const machine = machineInfo();
  const date = new Date().toISOString();
  const t0 = performance.now();
  return {
    machine,
    finish(figures: Figure[], notes: string[], details: unknown): string {
      const result: BenchResult = {
        name,
        title,
        date,
        quick,
        durationMs: Math.round(performance.now() - t0),
        machine,
        figures,
        notes,
        details,
      };
      const out = resultFile(name, quick);
      mkdirSync(path.dirname(out), { recursive: true });
      writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
      return out;
    },
  };
}

/** `--quick` and nothing else (--help aside): bad usage is one plain line and exit 2. */
export function quickFlag(argv: string[], bench: string): boolean {
  return parseBenchFlags(bench, { quick: QUICK }, argv).quick;
}

export const round = (n: number, digits = 1): number => {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
};

/** The entry points' error handler: one plain line, exit 1. */
export function failBench(bench: string) {
  return (err: unknown): void => {
    console.error(`${bench}: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  };
}
