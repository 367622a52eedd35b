import type { ConfigVersion, Iso, RolloutEvent, RolloutOutcome, RunRecord } from '../model.js';
import type { Check } from '../verdict/checks.js';
import type { VerdictValue } from '../verdict/judgeRun.js';
import type { PerSecond } from './perSecond.js';
import type { PodState } from './podStatesAt.js';

/**
 * report.json. Absolute times are ISO 8601 strings; `*OffsetMs` / `offsetsMs` are milliseconds relative to
 * `timeOrigin` (the load start when there was load), which is also where the charts' x axis starts.
 */
export interface RunReport {
  verdict: VerdictValue;
  pass: boolean;
  target: string;
  scenario: string;
  interrupted: boolean;
  timeOrigin: Iso;
  timeOriginIs: 'load start' | 'rollout start' | 'first event' | 'none';
  requests: {
    total: number;
    ok: number;
    failed: number;
    /** Successful answers by the version that gave them (X-App-Version). */
    byVersion: Record<string, number>;
    /** Failed requests by error kind ('ECONNREFUSED', 'timeout', 'http_503', ...). */
    byError: Record<string, number>;
    /** How a dropped request reaches the client on this target, when that hides a refusal (kind). */
    errorKindsNote: string | null;
  };
  /** What the rollout changed, and for a configuration change how the answers followed it. */
  change: {
    kind: 'code' | 'config' | 'both';
    configFrom: ConfigVersion;
    configTo: ConfigVersion;
    /** Successful answers by the configuration they were built from (X-Config-Hash). */
    answersByConfig: Record<string, number>;
    settleMs: number;
    /** When the last answer built from the old configuration ended, ms after the rollout started. */
    lastOldAnswerMs: number | null;
    /** When the first answer built from the new configuration ended, ms after the rollout started. */
    firstNewAnswerMs: number | null;
    /** Whether old answers lasted until the load stopped (the last second of it): no end was seen. */
    oldUntilLoadEnd: boolean;
    templateChanges: boolean;
  } | null;
  /** Nearest-rank percentiles over every sample, failed ones included (latency counts from the scheduled time). */
  latencyMs: { p50: number | null; p95: number | null; p99: number | null };
  rollout: {
    startedAt: Iso;
    completedAt: Iso;
    durationMs: number | null;
    complete: boolean;
    outcome: RunRecord['rollout']['outcome'];
    startedOffsetMs: number | null;
    completedOffsetMs: number | null;
    /** After a stall with --on-fail rollback: the roll back to the first version. */
    rollback: { startedAt: Iso; completedAt: Iso; durationMs: number | null; outcome: RolloutOutcome } | null;
  };
  /** What the harness did to the pods on purpose (--chaos), and the failures that followed within 5 s. */
  incidents: { at: Iso; offsetMs: number | null; pod: string; what: string; failedWithin5s: number }[];
  load: {
    startedAt: Iso;
    endedAt: Iso;
    durationMs: number | null;
    rate: number;
    achievedRate: number | null;
    keepAlive: boolean;
    generator: RunRecord['load']['generator'];
    /**
     * Where the judged window ends: `endedAt`, or earlier when the load tool wrote nothing for the
     * requests in flight when it was stopped (then delivery and coverage count only up to here).
     */
    judgedUntil: Iso;
    /** endedAt - judgedUntil: 0 when nothing was lost. */
    tailCutMs: number;
  };
  coverage: {
    /** How long the load ran before the rollout started (negative: it started late). */
    loadBeforeRolloutMs: number | null;
    /** How long the judged load ran after the rollout completed (negative: it stopped early). */
    loadAfterRolloutMs: number | null;
    requestsBeforeRollout: number;
    requestsAfterRollout: number;
  };
  reasons: string[];
  checks: Check[];
  settings: RunRecord['settings'];
  pods: {
    name: string;
    version: string;
    created: Iso;
    ready: Iso;
    terminating: Iso;
    exited: Iso;
    restarts: number;
    offsetsMs: {
      created: number | null;
      ready: number | null;
      terminating: number | null;
      exited: number | null;
    };
  }[];
  firstFailures: {
    at: string;
    offsetMs: number;
    pod: string | null;
    version: string | null;
    error: string;
    status: number | null;
    latencyMs: number;
    /** Where the rollout stood: 'before the rollout', 'during the rollout', 'after the rollout completed'. */
    phase: string;
    /** What every pod was doing at that instant, as one sentence. */
    podsDoing: string;
    podStates: PodState[];
  }[];
  events: {
    at: string;
    offsetMs: number;
    kind: RolloutEvent['kind'];
    pod?: string;
    version?: string;
    detail?: string;
  }[];
  timeseries: PerSecond;
  /** The long-lived streams (--streams); null when the load opened none. */
  streams: {
    opened: number;
    /** Ended by the server's final event (the drain told the client to reconnect). */
    endedCleanly: number;
    cut: number;
    openAtStop: number;
    /** The cut ones by how they ended ('ECONNRESET', 'closed', 'timeout', ...). */
    cutBy: Record<string, number>;
    reconnectGapP99Ms: number | null;
    reconnectGapMaxMs: number | null;
    /** Events received per second of `timeseries.second`, by the version that sent them. */
    eventsPerSecondByVersion: Record<string, number[]>;
    /** Streams cut per second of `timeseries.second`. */
    cutPerSecond: number[];
  } | null;
  /** The POSTs (--mix) joined with the orders the pods logged as processed; null when not judged. */
  orders: {
    sent: number;
    confirmed: number;
    /** Each with its count and its first ids. */
    lost: OrderIds;
    ambiguous: OrderIds;
    duplicated: OrderIds;
    unrecorded: OrderIds;
  } | null;
}

export interface OrderIds {
  count: number;
  ids: string[];
}
