import {
  isFailed,
  iso,
  type Iso,
  type ConfigVersion,
  type RolloutEvent,
  type RolloutOutcome,
  type RunRecord,
} from '../model.js';
import {
  achievedRate,
  countBy,
  errorKind,
  judgeRun,
  type Check,
  type VerdictValue,
} from '../verdict/judgeRun.js';
import { judgeConfig } from '../verdict/judgeConfig.js';
import { judgedWindow } from '../verdict/judgedWindow.js';
import { latencyPercentiles } from './nearestRank.js';
import { perSecond, type PerSecond } from './perSecond.js';
import { describePodStates, podStatesAt, type PodState } from './podStatesAt.js';
import { podLifetimes } from './podLifetimes.js';
import { isPodEvent } from './podLifetimes.js';

/** How many failures the report details, earliest first. */
export const FIRST_FAILURES = 20;
/** For a run whose settings do not say (kube-proxy syncs at most once a second). */
const DEFAULT_PROPAGATION_LAG_MS = 1000;

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
}

function changeOf(run: RunRecord, ok: readonly RunRecord['samples'][number][]): RunReport['change'] {
  if (!run.change) return null;
  const consistency = judgeConfig(run);
  return {
    ...run.change,
    answersByConfig: sortKeys(countBy([...ok], (s) => s.configHash ?? 'none')),
    lastOldAnswerMs: consistency?.lastOldAnswerMs ?? null,
    firstNewAnswerMs: consistency?.firstNewAnswerMs ?? null,
    oldUntilLoadEnd: consistency?.oldUntilLoadEnd ?? false,
  };
}

export function summarizeRun(run: RunRecord): RunReport {
  const propagationLagMs = Number(run.settings.propagationLagMs ?? DEFAULT_PROPAGATION_LAG_MS);
  const { verdict, pass, reasons, checks } = judgeRun(run);
  const { samples, load, rollout, events } = run;
  const [origin, timeOriginIs] = timeOrigin(run);
  const offset = (ms: number | null): number | null =>
    ms === null || origin === null ? null : Math.round(ms - origin);
  const failed = samples.filter(isFailed);
  const ok = samples.filter((s) => !isFailed(s));
  const diff = (a: number | null, b: number | null): number | null =>
    a === null || b === null ? null : Math.round(a - b);
  const judged = judgedWindow(run);
  const judgedEnd = judged?.endedAt ?? null;

  return {
    verdict,
    pass,
    target: run.target,
    scenario: run.scenario,
    interrupted: run.interrupted,
    timeOrigin: iso(origin),
    timeOriginIs,
    requests: {
      total: samples.length,
      ok: ok.length,
      failed: failed.length,
      byVersion: sortKeys(countBy(ok, (s) => s.version ?? 'unknown')),
      byError: sortKeys(countBy(failed, errorKind)),
      errorKindsNote: run.errorKindsNote ?? null,
    },
    change: changeOf(run, ok),
    latencyMs: latencyPercentiles(samples.map((s) => s.latencyMs)),
    rollout: {
      startedAt: iso(rollout.startedAt),
      completedAt: iso(rollout.completedAt),
      durationMs: diff(rollout.completedAt, rollout.startedAt),
      complete: rollout.outcome === 'complete' && rollout.completedAt !== null,
      outcome: rollout.outcome,
      startedOffsetMs: offset(rollout.startedAt),
      completedOffsetMs: offset(rollout.completedAt),
      rollback: rollout.rollback
        ? {
            startedAt: iso(rollout.rollback.startedAt),
            completedAt: iso(rollout.rollback.completedAt),
            durationMs: diff(rollout.rollback.completedAt, rollout.rollback.startedAt),
            outcome: rollout.rollback.outcome,
          }
        : null,
    },
    incidents: (run.incidents ?? []).map((incident) => ({
      at: iso(incident.at),
      offsetMs: offset(incident.at),
      pod: incident.pod,
      what: incident.what,
      // Requests cut on the pod, or sent to it before its endpoint removal reached the balancer.
      failedWithin5s: failed.filter((s) => s.endedAt >= incident.at && s.endedAt <= incident.at + 5000)
        .length,
    })),
    load: {
      startedAt: iso(load.startedAt),
      endedAt: iso(load.endedAt),
      durationMs: diff(load.endedAt, load.startedAt),
      rate: load.rate,
      achievedRate: roundTo(achievedRate(run), 10),
      keepAlive: load.keepAlive,
      generator: load.generator,
      judgedUntil: iso(judgedEnd),
      tailCutMs: Math.round(judged?.cutMs ?? 0),
    },
    coverage: {
      loadBeforeRolloutMs: diff(rollout.startedAt, load.startedAt),
      loadAfterRolloutMs: diff(judgedEnd, rollout.completedAt),
      requestsBeforeRollout:
        rollout.startedAt === null ? 0 : samples.filter((s) => s.scheduledAt < rollout.startedAt!).length,
      requestsAfterRollout:
        rollout.completedAt === null || judgedEnd === null
          ? 0
          : samples.filter((s) => s.scheduledAt > rollout.completedAt! && s.scheduledAt <= judgedEnd).length,
    },
    reasons,
    checks,
    settings: run.settings,
    pods: podLifetimes(events).map((p) => ({
      name: p.name,
      version: p.version,
      created: iso(p.created),
      ready: iso(p.ready),
      terminating: iso(p.terminating),
      exited: iso(p.exited),
      restarts: p.restarts,
      offsetsMs: {
        created: offset(p.created),
        ready: offset(p.ready),
        terminating: offset(p.terminating),
        exited: offset(p.exited),
      },
    })),
    firstFailures: [...failed]
      .sort((a, b) => a.scheduledAt - b.scheduledAt)
      .slice(0, FIRST_FAILURES)
      .map((s) => {
        // The moment that matters is when the request went out: that is when the balancer picked a pod.
        const at = s.startedAt;
        const podStates = podStatesAt(events, at);
        return {
          at: iso(at) ?? '',
          offsetMs: offset(at) ?? 0,
          pod: s.pod,
          version: s.version,
          error: errorKind(s),
          status: s.status,
          latencyMs: Math.round(s.latencyMs * 10) / 10,
          phase: phaseAt(run, at),
          podsDoing: describePodStates(podStates, propagationLagMs),
          podStates,
        };
      }),
    events: [...events]
      .sort((a, b) => a.at - b.at)
      .map((e) => ({
        at: iso(e.at) ?? '',
        offsetMs: offset(e.at) ?? 0,
        kind: e.kind,
        ...(isPodEvent(e) ? { pod: e.pod, version: e.version } : {}),
        ...(e.detail === undefined ? {} : { detail: e.detail }),
      })),
    timeseries: perSecond(samples, origin ?? 0, seriesEnd(run)),
  };
}

function timeOrigin(run: RunRecord): [number | null, RunReport['timeOriginIs']] {
  if (run.load.startedAt !== null) return [run.load.startedAt, 'load start'];
  if (run.rollout.startedAt !== null) return [run.rollout.startedAt, 'rollout start'];
  // A loop, not Math.min(...array): spreading a long run's samples overflows the call stack.
  let first = Infinity;
  for (const e of run.events) first = Math.min(first, e.at);
  for (const s of run.samples) first = Math.min(first, s.scheduledAt);
  return Number.isFinite(first) ? [first, 'first event'] : [null, 'none'];
}

function seriesEnd(run: RunRecord): number {
  let end = run.load.endedAt ?? -Infinity;
  for (const s of run.samples) end = Math.max(end, s.scheduledAt + 1);
  return end;
}

function phaseAt(run: RunRecord, at: number): string {
  const { startedAt, completedAt } = run.rollout;
  if (startedAt === null || at < startedAt) return 'before the rollout';
  if (completedAt === null || at <= completedAt) return 'during the rollout';
  return 'after the rollout completed';
}

function roundTo(value: number | null, factor: number): number | null {
  return value === null ? null : Math.round(value * factor) / factor;
}

function sortKeys(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => a.localeCompare(b)));
}
