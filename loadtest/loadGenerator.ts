import type { RequestSample } from './requestSample.js';
import type { StreamSample } from './streamSample.js';

/**
 * What the harness needs from any load generator (the builtin open-model one, or k6 later):
 * start it, watch it, stop it and get every request it made. The verdict and the report only
 * ever see the LoadResult, never the generator.
 */
export interface LoadGenerator {
  /** Begins sending. Calling it twice is an error. */
  start(): void;
  /**
   * Resolves once requests go out: a generator in a process of its own takes a while to start (seconds,
   * on a cold machine), and a warm-up counted from start() would be that much shorter. Also resolves when
   * the generator ended before it got that far.
   */
  started(): Promise<void>;
  /** Stops scheduling, waits for requests in flight (bounded by their timeout), returns everything. */
  stop(): Promise<LoadResult>;
  /** Resolves once the schedule ran out on its own (count or duration) and nothing is in flight. */
  finished(): Promise<void>;
  /** Cheap running totals for a live status line. */
  progress(): LoadProgress;
}

export interface LoadProgress {
  sent: number;
  completed: number;
  failed: number;
  /** Answers per version, read where the load's RequestShape says ('unknown' when none was found). */
  byVersion: Record<string, number>;
}

export interface LoadResult {
  /** One per request sent, in schedule order. */
  samples: RequestSample[];
  /** One per long-lived stream (--streams), in the order they ended; absent when the load opened none. */
  streams?: StreamSample[];
  /** Epoch ms: the schedule's time zero. */
  startedAt: number;
  /** Epoch ms: when the last request settled. */
  endedAt: number;
  /** Requested requests per second. */
  rate: number;
  keepAlive: boolean;
  /**
   * What became of requests still in flight at stop(): 'settled' (waited for, each has its sample)
   * or 'lost' (the tool ended them unrecorded, as k6 does on SIGINT). Absent: settled.
   */
  inFlightAtStop?: 'settled' | 'lost';
  /** The per-request timeout in ms: how long a request can have been in flight. */
  requestTimeoutMs?: number;
  /** Requests actually sent per second of the schedule window. */
  achievedRate: number;
  /** Fraction below the requested rate (0 when delivered in full): max(0, 1 - achievedRate / rate). */
  shortfall: number;
  /** How late requests went out relative to their scheduled time, in ms. */
  sendLagMs: { p50: number; p99: number; max: number };
  /** Which tool sent the load when it was an outside one ('k6'); absent for the builtin generator. */
  tool?: string;
  /** The outside tool's exit code (k6: 0, 99 thresholds crossed, 105 stopped by our SIGINT, ...); null when killed. */
  exitCode?: number | null;
  /** Whether the tool's own pass/fail criteria held (k6 thresholds); absent when unknown. */
  thresholdsPassed?: boolean;
  /** The criteria that did not hold, e.g. 'http_req_failed: rate==0'. */
  failedThresholds?: string[];
  /** Something about the run the report should say, e.g. that k6 exited before it was stopped. */
  problem?: string;
  /** Files the tool wrote, by what they are (k6: output, summary, dashboard, log). */
  artifacts?: Record<string, string>;
}
