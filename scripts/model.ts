/**
 * The data that flows through the harness, in one direction:
 *
 *   manifests ─► target (local engine | kind) ─► pods ◄── load (builtin | k6)
 *                  │ RolloutEvent                          │ RequestSample
 *                  └──────────────► timeline ◄─────────────┘
 *                                      │
 *                                   verdict ─► report.json · report.md · report.html
 *
 * Targets and load generators produce these; the verdict and the report consume them and know
 * neither. All times are milliseconds since the Unix epoch (fractional where measured with
 * performance.now()).
 */

import type { RequestSample } from '../loadtest/requestSample.js';
import type { StreamSample } from '../loadtest/streamSample.js';

// A request sample is the load generators' output; they live below the harness (loadtest/), so the type is theirs.
export { ERROR_MEANINGS, isFailed, type RequestSample } from '../loadtest/requestSample.js';
export { isCut, type StreamSample } from '../loadtest/streamSample.js';

export type PodEventKind = 'created' | 'ready' | 'not-ready' | 'terminating' | 'exited' | 'restarted';
export type DeploymentEventKind =
  'rollout-started' | 'rollout-complete' | 'rollout-stalled' | 'rollback-started';

export type RolloutEvent =
  | { at: number; kind: PodEventKind; pod: string; version: string; detail?: string }
  | { at: number; kind: DeploymentEventKind; detail?: string };

export type RolloutOutcome = 'complete' | 'stalled' | 'interrupted';

/** A time as report.json writes it: ISO 8601, or null for a moment that never came. */
export type Iso = string | null;

/** Epoch milliseconds → ISO 8601 (null stays null; text that needs a word says `iso(ms) ?? 'never'`). */
export function iso(ms: number | null): Iso {
  return ms === null ? null : new Date(ms).toISOString();
}

/** A configuration as the manifests give it to the pods, and the hash their answers carry for it. */
export interface ConfigVersion {
  hash: string;
  greeting: string;
  /** Where the pods read it (`ConfigMap hello-config-abc key GREETING, as env`). */
  source: string;
}

/** What a rollout changed. */
export interface RolloutChange {
  kind: 'code' | 'config' | 'both';
  /** The configuration before and after (the same for a code-only change). */
  configFrom: ConfigVersion;
  configTo: ConfigVersion;
  /** Whether the pod template changes, so that anything rolls out (an in-place ConfigMap edit does not). */
  templateChanges: boolean;
  /**
   * How long after the rollout completes an old pod may still answer (its terminationGracePeriodSeconds):
   * every answer to a request scheduled later must carry the new configuration.
   */
  settleMs: number;
}

/** Everything one run of the demo observed: the input of the verdict and the report. */
export interface RunRecord {
  target: string;
  scenario: string;
  /** True when the run was cut short (Ctrl-C): the report is partial. */
  interrupted: boolean;
  samples: RequestSample[];
  /** The long-lived streams the load held open (--streams), one per stream; absent when it opened none. */
  streams?: StreamSample[];
  /**
   * The order ids the pods logged as processed, an id once per processing, to join with the POSTs the load
   * sent (--mix); absent when the run sent none, or its target cannot read its pods' logs.
   */
  processedOrders?: string[];
  events: RolloutEvent[];
  /** What the rollout changed; absent in records from before configuration changes existed: code. */
  change?: RolloutChange;
  load: {
    generator: 'builtin' | 'k6' | 'none';
    /** Requested requests per second. */
    rate: number;
    keepAlive: boolean;
    startedAt: number | null;
    /** When the harness stopped the load (sending stopped), not when the last answer came back. */
    endedAt: number | null;
    /**
     * What became of the requests still in flight at the stop: 'settled' (the generator waited for
     * them, so every request sent has its sample) or 'lost' (the tool ended them and wrote nothing, as
     * k6 does on SIGINT). Absent: settled.
     */
    inFlightAtStop?: 'settled' | 'lost';
    /** The per-request timeout in ms: no request is in flight longer. */
    requestTimeoutMs?: number;
    /** Whether the tool's own pass criteria held (k6 thresholds); absent when the tool has none. */
    thresholdsPassed?: boolean;
    /** Which of them failed ("http_req_failed: rate==0"). */
    failedThresholds?: string[];
    /** Something the load tool did not do the way a good run does (k6 exited early, ...): a reason to doubt. */
    problem?: string;
  };
  rollout: {
    startedAt: number | null;
    completedAt: number | null;
    outcome: RolloutOutcome;
    /** After a stalled rollout with --on-fail rollback: the roll back to the first version. */
    rollback?: { startedAt: number; completedAt: number | null; outcome: RolloutOutcome };
  };
  /** What the harness itself did to the pods (chaos), so failures can be traced to it. */
  incidents?: Array<{ at: number; pod: string; what: string }>;
  /** How the target's dropped requests reach the client, where that hides ECONNREFUSED (kind). */
  errorKindsNote?: string;
  settings: RunSettings;
}

/**
 * Settings shown in the report as they were: the load's and the rollout's flags, and the target's own
 * (Target.settings), its endpoint propagation lag among them, which the first failures' hints read.
 */
export interface RunSettings {
  rate: number;
  keepAlive: boolean;
  propagationLagMs: number;
  /** Every other setting by name: a flag, a target's own (local: kubeletSyncMs), a benchmark's. */
  [setting: string]: string | number | boolean;
}
