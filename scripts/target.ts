import type { AppUnderTest } from './app/appUnderTest.js';
import type { RolloutEvent, RolloutOutcome } from './model.js';
import type { Change } from './scenarios/scenarios.js';

/** What --chaos kill-pod did: to which pod, when, and in words the report repeats. */
export interface PodKill {
  pod: string;
  at: number;
  what: string;
}

/**
 * Where a rollout runs: the embedded local engine, a kind cluster, or any cluster (kube). The harness
 * drives every target through this, and sees only rollout events come back. The targets live in their own
 * folders (targets/<name>/) and are listed in targets/targets.ts; this contract sits below them all.
 */
export interface Target {
  readonly name: TargetName;
  /**
   * How a request dropped here reaches the client, when that differs from a client talking to
   * kube-proxy directly (which refuses connections with no endpoint: ECONNREFUSED). For the report.
   */
  readonly errorKindsNote?: string;
  /** What this target runs by, for the report's settings (TargetSettings). */
  readonly settings: TargetSettings;
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
   * Chaos: kills one ready pod of `version` with SIGKILL, no grace, as when its node dies or the OOM
   * killer strikes; where a target cannot, it does the nearest thing and `what` says so honestly.
   */
  killPod?(version: string): Promise<PodKill>;
  /** Waits until no pod is terminating (old pods drain after the rollout counts as complete). */
  settle(): Promise<void>;
  /** For the live status line. */
  podCounts(): { ready: number; terminating: number };
  /**
   * Keeps the order ids the pods log as processed (POST /orders), from every pod the run makes, terminated
   * ones included. Called before up(), by a run that sends POSTs. Absent where the target cannot read its
   * pods' logs.
   */
  recordOrders?(): OrderRecord;
  /**
   * Deletes what an overlay applied and waits until it is gone (npm run prove leaves a team's cluster as it
   * found it). Callable after teardown. Absent where teardown removes everything (local).
   */
  removeApplied?(overlay: string): Promise<void>;
  /** Subscribes to rollout events as they happen. */
  onEvent(listener: (event: RolloutEvent) => void): void;
  /** Stops everything it started. Safe to call twice, and at any point. */
  teardown(): Promise<void>;
}
/** What a target runs by, as report.json's settings show it. */
export interface TargetSettings {
  /**
   * How long after a pod leaves or joins the Service's endpoints new connections still follow the old set,
   * as this target has it (local: its engine's --propagation-lag; kind and kube: kube-proxy's). The report's
   * hints on first failures ("maybe not in endpoints yet") use it.
   */
  propagationLagMs: number;
  /** Settings only this target has (local: kubeletSyncMs). */
  [own: string]: number | string | boolean;
}

/** The pods' record of the orders they processed (Target.recordOrders). */
export interface OrderRecord {
  /** After teardown: the ids, an id once per processing (an id processed twice appears twice). */
  processed(): Promise<string[]>;
}

/**
 * What every target is made from: the run's flags that concern where it runs and that every target takes.
 * A target's own flags and options (local: the engine's lag; kind: its cluster; kube: the context) live in
 * its folder (targets/<name>/), which reads them from the parsed flags; this contract knows none of them.
 */
export interface TargetOptions {
  /** What it rolls out: a team's app (npm run prove; kind and kube only); absent: the sample. */
  app?: AppUnderTest;
  /** A name from scripts/scenarios/scenarios.ts. */
  scenario: string;
  /** What the rollout changes: code (v1 → v2), configuration (a new greeting), or both. */
  change: Change;
  /** The Service's port on 127.0.0.1; 0: the target's default. */
  lbPort: number;
  /** Print every command instead of running it (kind and kube); local says what it would start. */
  dryRun: boolean;
}

/** A name from the target registry (targets/targets.ts), which --target checks; the contract lists none. */
export type TargetName = string;
