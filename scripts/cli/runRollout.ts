import { setTimeout as sleep } from 'node:timers/promises';
import type { LoadGenerator, LoadResult } from '../../loadtest/loadGenerator.js';
import type { RolloutOutcome, RunRecord } from '../model.js';
import { writeReports, type WrittenReports } from '../report/writeReports.js';
import type { Target } from '../targets/target.js';
import type { ProgressOutput } from './progressOutput.js';
import { recordRollout } from './rolloutRecorder.js';

/**
 * The story `npm run demo:rollout` tells, on any target with any load generator:
 *   cluster up → v1 ready → load started → warm-up → rollout v1 → v2 → rollout complete →
 *   old pods gone → cool-down → load stopped → verdict and report.
 * Ctrl-C (the abort signal) at any point stops the load, tears the target down and writes a partial
 * report marked incomplete.
 */
export interface RolloutPlan {
  target: Target;
  /** Overlay directories: the version deployed first, and the one rolled out under load. */
  from: string;
  to: string;
  scenario: string;
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
  outDir: string;
  settings: RunRecord['settings'];
  output: ProgressOutput;
  signal: AbortSignal;
}

export interface RolloutResult {
  reports: WrittenReports;
  exitCode: number;
}

class Interrupted extends Error {}

/** Resolves like `promise`, or rejects with Interrupted as soon as the signal aborts. */
function unlessAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Interrupted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Interrupted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

export async function runRollout(plan: RolloutPlan): Promise<RolloutResult> {
  const { target, output, signal } = plan;
  const recorder = recordRollout(target, output);
  const { events, rollout } = recorder;
  const incidents: NonNullable<RunRecord['incidents']> = [];

  let load: LoadGenerator | null = null;
  let loadStartedAt: number | null = null;
  let loadStoppedAt: number | null = null;
  let loadResult: LoadResult | null = null;
  let statusTimer: NodeJS.Timeout | undefined;
  let interrupted = false;

  const stopLoad = async () => {
    clearInterval(statusTimer);
    if (load && !loadResult) {
      loadStoppedAt = Date.now();
      loadResult = await load.stop();
    } else if (!load && loadStartedAt !== null && loadStoppedAt === null) {
      loadStoppedAt = Date.now();
    }
  };

  try {
    const baseUrl = await unlessAborted(target.up(), signal);
    output.step(`cluster up: the Service answers on ${baseUrl}`);

    const deployed = await unlessAborted(target.deploy(plan.from), signal);
    if (deployed !== 'complete')
      throw new Error(`the first version never became ready (${deployed}); see the pod logs`);
    output.step(`v1 ready: ${target.podCounts().ready} pods`);

    load = plan.createLoad(baseUrl);
    loadStartedAt = Date.now();
    if (load) {
      load.start();
      output.step(`load started: ${plan.rate} requests/s, keep-alive ${plan.keepAlive ? 'on' : 'off'}`);
      const current = load;
      statusTimer = setInterval(() => output.status(statusLine(current, target)), 1000);
    } else {
      output.step(`no load of our own (--load none): point your load tool at ${baseUrl} now`);
    }

    await warmUp(plan, incidents);
    recorder.phase = 'rollout';
    output.step(`rollout started: ${shortName(plan.from)} → ${shortName(plan.to)}`);
    const outcome: RolloutOutcome = await unlessAborted(target.rollOut(plan.to), signal);
    rollout.outcome = outcome;
    output.step(outcome === 'complete' ? 'rollout complete' : `rollout ${outcome}`);

    if (outcome === 'stalled' && plan.onFail === 'rollback') {
      if (!target.rollBack) throw new Error(`the ${target.name} target cannot roll back`);
      recorder.phase = 'rollback';
      const startedAt = Date.now();
      rollout.rollback = { startedAt, completedAt: null, outcome: 'interrupted' };
      events.push({ at: startedAt, kind: 'rollback-started', detail: `back to ${shortName(plan.from)}` });
      output.step(`rolling back to ${shortName(plan.from)} (--on-fail rollback)`);
      rollout.rollback.outcome = await unlessAborted(target.rollBack(plan.from), signal);
      output.step(`rollback ${rollout.rollback.outcome}`);
    }
    await unlessAborted(target.settle(), signal);
    output.step('nothing is terminating');
    await unlessAborted(sleep(plan.cooldownMs), signal);
    await stopLoad();
    if (loadResult) output.step(`load stopped: ${(loadResult as LoadResult).samples.length} requests sent`);
  } catch (error) {
    if (!(error instanceof Interrupted)) throw error;
    interrupted = true;
    output.note('\ninterrupted: stopping load and every pod, writing a partial report');
  } finally {
    // The pods go whatever the load did: a generator that fails to stop must not leave them running.
    try {
      await stopLoad();
    } finally {
      await target.teardown();
    }
  }

  const result = loadResult as LoadResult | null;
  const run: RunRecord = {
    target: target.name,
    scenario: plan.scenario,
    interrupted,
    samples: result?.samples ?? [],
    events,
    load: {
      generator: plan.loadName,
      rate: plan.rate,
      keepAlive: plan.keepAlive,
      startedAt: result?.startedAt ?? loadStartedAt,
      // When sending stopped, not when the last answer came back: the delivered rate is measured over it.
      endedAt: loadStoppedAt,
      ...(result?.inFlightAtStop === undefined ? {} : { inFlightAtStop: result.inFlightAtStop }),
      ...(result?.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: result.requestTimeoutMs }),
      ...(result?.thresholdsPassed === undefined ? {} : { thresholdsPassed: result.thresholdsPassed }),
      ...(result?.failedThresholds ? { failedThresholds: result.failedThresholds } : {}),
    },
    rollout,
    incidents,
    ...(target.errorKindsNote ? { errorKindsNote: target.errorKindsNote } : {}),
    settings: plan.settings,
  };
  const reports = await writeReports(plan.outDir, run);
  return { reports, exitCode: exitCodeFor(reports.verdict, interrupted) };
}

/** Load before the rollout; with --chaos kill-pod, one v1 pod is killed half-way through it. */
async function warmUp(plan: RolloutPlan, incidents: NonNullable<RunRecord['incidents']>): Promise<void> {
  const { target, output, signal } = plan;
  if (plan.chaos === 'none') {
    await unlessAborted(sleep(plan.warmupMs), signal);
    return;
  }
  await unlessAborted(sleep(plan.warmupMs / 2), signal);
  if (!target.killPod) throw new Error(`the ${target.name} target cannot kill pods (--chaos kill-pod)`);
  // The target says what it did and when: the moment of the kill, not of the lookup before it.
  const kill = await unlessAborted(target.killPod('1'), signal);
  incidents.push({ at: kill.at, pod: kill.pod, what: kill.what });
  output.step(`chaos: ${kill.pod} ${kill.what}`);
  await unlessAborted(sleep(plan.warmupMs / 2), signal);
}

function exitCodeFor(verdict: WrittenReports['verdict'], interrupted: boolean): number {
  if (interrupted) return 130;
  if (verdict === 'pass' || verdict === 'rollout-only') return 0;
  return 1;
}

function statusLine(load: LoadGenerator, target: Target): string {
  const progress = load.progress();
  const versions = Object.entries(progress.byVersion)
    .map(([version, count]) => `v${version} ${count}`)
    .join(' · ');
  const pods = target.podCounts();
  return (
    `sent ${progress.sent} · failed ${progress.failed} · answers ${versions || '-'} · ` +
    `pods ready ${pods.ready}, terminating ${pods.terminating}`
  );
}

function shortName(overlay: string): string {
  return overlay.split(/[\\/]/).filter(Boolean).slice(-1)[0] ?? overlay;
}
