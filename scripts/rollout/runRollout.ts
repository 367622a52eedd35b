import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadGenerator, LoadProgress } from '../../loadtest/loadGenerator.js';
import type { RequestSample, RolloutChange, RunRecord } from '../model.js';
import { writeReports, type WrittenReports } from '../report/writeReports.js';
import type { Target } from '../target.js';
import { createLoadSession } from './loadSession.js';
import type { ProgressOutput } from './rolloutProgress.js';
import { recordRollout } from './rolloutRecorder.js';
import { runStepLine } from './rolloutStepLines.js';
import type { RouteNeeds } from './routeCheck.js';
import { walkRollout } from './rolloutSteps.js';
import { assembleRunRecord } from './runRecord.js';
import { Interrupted } from './unlessAborted.js';

/** One run of `npm run demo:rollout`, on any target with any load generator. */
export interface RolloutSpec {
  target: Target;
  /** Overlay directories: the version deployed first, and the one rolled out under load. */
  from: string;
  to: string;
  scenario: string;
  /** What the rollout changes, read from the two overlays (rolloutChange.ts). */
  change: RolloutChange;
  /** Makes the load generator for the Service's URL; null means no load of our own (--load none). */
  createLoad: (baseUrl: string) => LoadGenerator | null;
  loadName: RunRecord['load']['generator'];
  rate: number;
  keepAlive: boolean;
  warmupMs: number;
  cooldownMs: number;
  /** When the rollout stalls: leave it, or roll back to `from` (like `kubectl rollout undo`). */
  onFail: 'stop' | 'rollback';
  /** kill-pod: SIGKILL one v1 pod half-way through the warm-up. */
  chaos: 'none' | 'kill-pod';
  /** The routes the load's streams and POSTs need, checked before any load. */
  routes?: RouteNeeds;
  outDir: string;
  settings: RunRecord['settings'];
  /**
   * Renames the answers' versions to "1" and "2" before the verdict, for an app that spells them its own
   * way (npm run prove), and returns settings to add that say how; absent: the answers say "1" and "2".
   */
  labelVersions?: (samples: RequestSample[]) => Record<string, string>;
  output: ProgressOutput;
  signal: AbortSignal;
}

export interface RolloutResult {
  reports: WrittenReports;
  exitCode: number;
}

/**
 * Walks the rollout (rolloutSteps.ts), then judges and writes the report. Ctrl-C (the abort signal)
 * at any point stops the load, tears the target down and writes a partial report marked incomplete.
 */
export async function runRollout(spec: RolloutSpec): Promise<RolloutResult> {
  const { target, output } = spec;
  const recorder = recordRollout(target, output);
  const orders = spec.routes?.orders ? target.recordOrders?.() : undefined;
  const load = createLoadSession({
    generator: spec.loadName,
    createLoad: spec.createLoad,
    rate: spec.rate,
    keepAlive: spec.keepAlive,
    onProgress: (progress) => output.status(statusLine(progress, target)),
  });
  let interrupted = false;
  try {
    await walkRollout({
      ...spec,
      generator: spec.loadName,
      configSettleMs: spec.change.kind === 'code' ? null : spec.change.settleMs,
      load,
      recorder,
      mode: {
        planning: false,
        say(step) {
          const line = runStepLine(step);
          if (line !== null) output.step(line);
        },
        wait: (ms) => sleep(ms),
      },
    });
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    interrupted = true;
    output.note('\ninterrupted: stopping load and every pod, writing a partial report');
  } finally {
    // The pods go whatever the load did: a generator that fails to stop must not leave them running.
    try {
      await load.stop();
    } finally {
      await target.teardown();
    }
  }
  const run = assembleRunRecord({
    target,
    scenario: spec.scenario,
    change: spec.change,
    interrupted,
    load,
    recorder,
    settings: spec.settings,
  });
  if (orders && run.samples.some((s) => s.kind === 'post')) run.processedOrders = await orders.processed();
  if (spec.labelVersions) run.settings = { ...run.settings, ...spec.labelVersions(run.samples) };
  const reports = await writeReports(spec.outDir, run);
  return { reports, exitCode: exitCodeFor(reports.verdict, interrupted) };
}

function exitCodeFor(verdict: WrittenReports['verdict'], interrupted: boolean): number {
  if (interrupted) return 130;
  if (verdict === 'pass' || verdict === 'rollout-only') return 0;
  return 1;
}

function statusLine(progress: LoadProgress, target: Target): string {
  const versions = Object.entries(progress.byVersion)
    .map(([version, count]) => `v${version} ${count}`)
    .join(' · ');
  const pods = target.podCounts();
  return (
    `sent ${progress.sent} · failed ${progress.failed} · answers ${versions || '-'} · ` +
    `pods ready ${pods.ready}, terminating ${pods.terminating}`
  );
}
