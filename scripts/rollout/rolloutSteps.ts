import type { RolloutOutcome, RunRecord } from '../model.js';
import type { PodKill, Target } from '../target.js';
import type { LoadControl } from './loadSession.js';
import { checkLoadRoutes, type RouteNeeds } from './routeCheck.js';
import type { RolloutRecorder } from './rolloutRecorder.js';
import { unlessAborted } from './unlessAborted.js';

/** What the steps say as they go; a run and its plan put each in words of their own (rolloutStepLines.ts). */
export type RolloutStep =
  | { kind: 'up'; baseUrl: string }
  | { kind: 'deployed'; ready: number }
  | {
      kind: 'load-started';
      baseUrl: string;
      generator: RunRecord['load']['generator'];
      rate: number;
      keepAlive: boolean;
    }
  | { kind: 'wait'; ms: number; what: 'warm up' | 'go on warming up' | 'cool down' }
  | { kind: 'killing'; version: string }
  | { kind: 'killed'; kill: PodKill }
  | { kind: 'rollout-started'; from: string; to: string }
  | { kind: 'rollout-ended'; outcome: RolloutOutcome; from: string; onFail: 'stop' | 'rollback' }
  | { kind: 'rollback-started'; to: string }
  | { kind: 'rollback-ended'; outcome: RolloutOutcome }
  | { kind: 'settled' }
  | { kind: 'load-stopped'; sent: number | null; ownLoad: boolean };

/** What differs between a run and its plan (--dry-run). */
export interface RolloutMode {
  /**
   * A plan cannot know how the rollout ends (its commands only print), so where the steps branch on
   * the outcome it walks the longer branch: the rollback, when --on-fail rollback asks for one.
   */
  readonly planning: boolean;
  say(step: RolloutStep): void;
  /** Waits (a run) or goes straight on (a plan: the `wait` step says how long it would). */
  wait(ms: number): Promise<void>;
}

export interface RolloutWalk {
  target: Target;
  /** Overlay directories: the version deployed first, and the one rolled out under load. */
  from: string;
  to: string;
  generator: RunRecord['load']['generator'];
  rate: number;
  keepAlive: boolean;
  warmupMs: number;
  cooldownMs: number;
  /**
   * For a configuration change: how long after completion old pods may still answer. The cool-down then
   * lasts until at least that long after completion plus cooldownMs, so the new configuration is judged
   * on a full cool-down of answers. Null: a code-only change.
   */
  configSettleMs: number | null;
  /** When the rollout stalls: leave it, or roll back to `from` (like `kubectl rollout undo`). */
  onFail: 'stop' | 'rollback';
  /** kill-pod: SIGKILL one v1 pod half-way through the warm-up. */
  chaos: 'none' | 'kill-pod';
  /** The routes the load's streams and POSTs need, checked before any load (none: nothing to check). */
  routes?: RouteNeeds;
  load: LoadControl;
  recorder: RolloutRecorder;
  mode: RolloutMode;
  signal: AbortSignal;
}

/**
 * The one sequence of a rollout under load, for a run and for its plan alike:
 *   target up → v1 deployed → load started → warm-up (with --chaos kill-pod, one v1 pod killed half-way)
 *   → rollout v1 → v2 → (stalled and --on-fail rollback: roll back to v1) → nothing terminating →
 *   cool-down → load stopped.
 * Rejects with Interrupted when the signal aborts; tearing down is the caller's (it must happen
 * whatever went wrong here).
 */
export async function walkRollout(walk: RolloutWalk): Promise<void> {
  const { target, recorder, mode } = walk;
  const step = <T>(promise: Promise<T>) => unlessAborted(promise, walk.signal);

  const baseUrl = await step(target.up());
  mode.say({ kind: 'up', baseUrl });
  const deployed = await step(target.deploy(walk.from));
  if (deployed !== 'complete')
    throw new Error(`the first version never became ready (${deployed}); see the pod logs`);
  mode.say({ kind: 'deployed', ready: target.podCounts().ready });

  if (!mode.planning) await step(checkLoadRoutes(baseUrl, walk.routes ?? { streams: false, orders: false }));
  walk.load.start(baseUrl);
  // The warm-up is load before the rollout: it counts from the first requests, not from the spawn.
  await step(walk.load.started());
  const { generator, rate, keepAlive } = walk;
  mode.say({ kind: 'load-started', baseUrl, generator, rate, keepAlive });
  await warmUp(walk, step);

  recorder.beginRollout();
  mode.say({ kind: 'rollout-started', from: walk.from, to: walk.to });
  const outcome = await step(target.rollOut(walk.to));
  recorder.endRollout(outcome);
  mode.say({ kind: 'rollout-ended', outcome, from: walk.from, onFail: walk.onFail });
  if (walk.onFail === 'rollback' && (outcome === 'stalled' || mode.planning)) {
    if (!target.rollBack) throw new Error(`the ${target.name} target cannot roll back`);
    recorder.beginRollback(`back to ${shortName(walk.from)}`);
    mode.say({ kind: 'rollback-started', to: walk.from });
    const rolledBack = await step(target.rollBack(walk.from));
    recorder.endRollback(rolledBack);
    mode.say({ kind: 'rollback-ended', outcome: rolledBack });
  }

  await step(target.settle());
  mode.say({ kind: 'settled' });
  const cooldownMs = coolDownFor(walk);
  mode.say({ kind: 'wait', ms: cooldownMs, what: 'cool down' });
  await step(mode.wait(cooldownMs));
  const sent = await walk.load.stop();
  mode.say({ kind: 'load-stopped', sent, ownLoad: generator !== 'none' });
}

/** The cool-down, long enough that a configuration change is judged on cooldownMs of answers after it settled. */
function coolDownFor(walk: RolloutWalk): number {
  const completedAt = walk.recorder.rollout.completedAt;
  if (walk.configSettleMs === null || completedAt === null || walk.mode.planning) return walk.cooldownMs;
  const until = completedAt + walk.configSettleMs + walk.cooldownMs;
  return Math.max(walk.cooldownMs, Math.ceil(until - Date.now()));
}

/** Load before the rollout; with --chaos kill-pod, one v1 pod is killed half-way through it. */
async function warmUp(walk: RolloutWalk, step: <T>(promise: Promise<T>) => Promise<T>): Promise<void> {
  const { target, mode } = walk;
  if (walk.chaos === 'none') {
    mode.say({ kind: 'wait', ms: walk.warmupMs, what: 'warm up' });
    await step(mode.wait(walk.warmupMs));
    return;
  }
  mode.say({ kind: 'wait', ms: walk.warmupMs / 2, what: 'warm up' });
  await step(mode.wait(walk.warmupMs / 2));
  if (!target.killPod) throw new Error(`the ${target.name} target cannot kill pods (--chaos kill-pod)`);
  mode.say({ kind: 'killing', version: '1' });
  // The target says what it did and when: the moment of the kill, not of the lookup before it.
  const kill = await step(target.killPod('1'));
  walk.recorder.incident(kill);
  mode.say({ kind: 'killed', kill });
  mode.say({ kind: 'wait', ms: walk.warmupMs / 2, what: 'go on warming up' });
  await step(mode.wait(walk.warmupMs / 2));
}

/** The overlay's folder name (`kind-v2`), as steps and events name it. */
export function shortName(overlay: string): string {
  return overlay.split(/[\\/]/).filter(Boolean).slice(-1)[0] ?? overlay;
}
