import type { RolloutEvent, RolloutOutcome } from '../model.js';

/**
 * Where a rollout runs: the embedded local engine, a kind cluster, or any cluster (kube). The harness
 * drives every target through this, and sees only rollout events come back.
 */
export interface Target {
  readonly name: 'local' | 'kind' | 'kube';
  /** Brings up the cluster and its Service; resolves with the URL load goes to (always 127.0.0.1). */
  up(): Promise<string>;
  /** Applies an overlay and waits until it is fully rolled out (the starting version). */
  deploy(overlay: string): Promise<RolloutOutcome>;
  /** Applies an overlay and waits until the rollout completes or stalls. */
  rollOut(overlay: string): Promise<RolloutOutcome>;
  /**
   * Rolls back to an earlier overlay after a stalled rollout, like `kubectl rollout undo`; waits until it
   * completes or stalls.
   */
  rollBack?(overlay: string): Promise<RolloutOutcome>;
  /**
   * Chaos: kills one running pod of `version` with SIGKILL, no grace, as when its node dies; the
   * Deployment replaces it. Resolves with the pod's name.
   */
  killPod?(version: string): Promise<string>;
  /** Waits until no pod is terminating (old pods drain after the rollout counts as complete). */
  settle(): Promise<void>;
  /** For the live status line. */
  podCounts(): { ready: number; terminating: number };
  /** Subscribes to rollout events as they happen. */
  onEvent(listener: (event: RolloutEvent) => void): void;
  /** Stops everything it started. Safe to call twice, and at any point. */
  teardown(): Promise<void>;
}
