import type { LoadGenerator, LoadResult } from '../../loadtest/loadGenerator.js';
import type { RequestSample } from '../../loadtest/requestSample.js';
import type { RolloutEvent, RolloutOutcome } from '../../scripts/model.js';
import type { PodKill, Target } from '../../scripts/target.js';

/** What the fake target does at each step; anything left out goes the happy way. */
export interface FakeTargetScript {
  deploy?: RolloutOutcome;
  rollOut?: RolloutOutcome;
  rollBack?: RolloutOutcome;
  /** The target has no rollBack / killPod at all. */
  cannotRollBack?: boolean;
  cannotKill?: boolean;
  /** Runs as a step begins (to press Ctrl-C mid-step, say). */
  onStep?: (step: string) => void;
  /** This step waits until teardown and then answers 'interrupted', as the real targets do. */
  hangAt?: 'rollOut';
}

export interface FakeTarget extends Target {
  /** Every step taken, in order, load steps included when the fake load shares the log. */
  readonly log: string[];
  /** The version a request would reach at `at` (2 once a rollout to it completed, until a rollback). */
  versionAt(at: number): string;
}

/**
 * An in-memory target: no processes, no cluster. Each step is logged, rollouts emit the events a real
 * target emits, killPod reports a kill of pod-v1-a. Versions follow the overlays' last path segment
 * (`.../v1` → 1).
 */
export function createFakeTarget(script: FakeTargetScript = {}, log: string[] = []): FakeTarget {
  const listeners: Array<(event: RolloutEvent) => void> = [];
  const switches: Array<{ at: number; version: string }> = [];
  let release: (() => void) | null = null;
  let tornDown = false;
  const emit = (event: RolloutEvent) => listeners.forEach((listener) => listener(event));
  const versionOf = (overlay: string) => overlay.replace(/.*v(\d+)$/, '$1');
  const step = (name: string) => {
    log.push(name);
    script.onStep?.(name.split(' ')[0] ?? name);
  };
  async function apply(overlay: string, outcome: RolloutOutcome, hang: boolean): Promise<RolloutOutcome> {
    emit({ at: Date.now(), kind: 'rollout-started', detail: overlay });
    if (hang) {
      await new Promise<void>((resolve) => (release = resolve));
      return 'interrupted';
    }
    if (tornDown) return 'interrupted';
    if (outcome === 'complete') {
      const version = versionOf(overlay);
      emit({ at: Date.now(), kind: 'ready', pod: `pod-v${version}-a`, version });
      switches.push({ at: Date.now(), version });
      emit({ at: Date.now(), kind: 'rollout-complete' });
    } else if (outcome === 'stalled') {
      emit({ at: Date.now(), kind: 'rollout-stalled', detail: 'progress deadline exceeded' });
    }
    return outcome;
  }
  const target: FakeTarget = {
    name: 'kind',
    settings: { propagationLagMs: 1000 },
    log,
    versionAt(at) {
      return switches.filter((change) => change.at <= at).at(-1)?.version ?? '0';
    },
    async up() {
      step('up');
      return 'http://127.0.0.1:9';
    },
    async deploy(overlay) {
      step(`deploy ${overlay}`);
      return apply(overlay, script.deploy ?? 'complete', false);
    },
    async rollOut(overlay) {
      step(`rollOut ${overlay}`);
      return apply(overlay, script.rollOut ?? 'complete', script.hangAt === 'rollOut');
    },
    ...(script.cannotRollBack
      ? {}
      : {
          async rollBack(overlay: string) {
            step(`rollBack ${overlay}`);
            return apply(overlay, script.rollBack ?? 'complete', false);
          },
        }),
    ...(script.cannotKill
      ? {}
      : {
          async killPod(version: string): Promise<PodKill> {
            step(`killPod ${version}`);
            const at = Date.now();
            emit({ at, kind: 'exited', pod: `pod-v${version}-a`, version, detail: 'SIGKILL' });
            return { pod: `pod-v${version}-a`, at, what: 'killed by the fake' };
          },
        }),
    async settle() {
      step('settle');
    },
    podCounts: () => ({ ready: 3, terminating: 0 }),
    onEvent(listener) {
      listeners.push(listener);
    },
    async teardown() {
      step('teardown');
      tornDown = true;
      release?.();
    },
  };
  return target;
}

/**
 * A load generator that sends nothing and, when stopped, reports exactly `rate` answered requests per
 * second over the time it ran, each from the version the target served then. `failStop` makes stop()
 * reject, as a generator that cannot be stopped cleanly does. `sendsAfterMs` plays a tool that takes
 * that long to start: it "sends" (logged as 'load sending') only then.
 */
export function createFakeLoad(
  target: FakeTarget,
  options: { rate: number; failStop?: boolean; sendsAfterMs?: number },
): LoadGenerator {
  let startedAt = 0;
  let sending: Promise<void> = Promise.resolve();
  return {
    start() {
      target.log.push('load start');
      startedAt = Date.now();
      if (options.sendsAfterMs === undefined) return;
      sending = new Promise((resolve) =>
        setTimeout(() => {
          target.log.push('load sending');
          startedAt = Date.now();
          resolve();
        }, options.sendsAfterMs),
      );
    },
    started: () => sending,
    async stop(): Promise<LoadResult> {
      target.log.push('load stop');
      if (options.failStop) throw new Error('the load generator did not stop');
      const stoppedAt = Date.now();
      const samples: RequestSample[] = [];
      for (let at = startedAt; at <= stoppedAt; at += 1000 / options.rate) {
        const version = target.versionAt(at);
        samples.push({
          scheduledAt: at,
          startedAt: at,
          endedAt: at + 1,
          latencyMs: 1,
          status: 200,
          error: null,
          version,
          pod: `pod-v${version}-a`,
          configHash: null,
        });
      }
      const achievedRate = (samples.length * 1000) / Math.max(1, stoppedAt - startedAt);
      return {
        samples,
        startedAt,
        endedAt: stoppedAt + 1,
        rate: options.rate,
        keepAlive: true,
        achievedRate,
        shortfall: Math.max(0, 1 - achievedRate / options.rate),
        sendLagMs: { p50: 0, p99: 0, max: 0 },
      };
    },
    finished: () => new Promise(() => {}),
    progress: () => ({ sent: 0, completed: 0, failed: 0, byVersion: {} }),
  };
}
