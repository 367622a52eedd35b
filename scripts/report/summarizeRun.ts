import { iso, type RunRecord } from '../model.js';
import { judgeRun } from '../verdict/judgeRun.js';
import { countBy, errorKind, measureRun, type RunMeasures } from '../verdict/measureRun.js';
import { latencyPercentiles } from './nearestRank.js';
import { perSecond } from './perSecond.js';
import { describePodStates, podStatesAt } from './podStatesAt.js';
import { podLifetimes } from './podLifetimes.js';
import { isPodEvent } from './podLifetimes.js';
import type { RunReport } from './runReport.js';
import { ordersOf, streamsOf } from './streamsAndOrders.js';

/** How many failures the report details, earliest first. */
export const FIRST_FAILURES = 20;

function changeOf(run: RunRecord, { ok, config: consistency }: RunMeasures): RunReport['change'] {
  if (!run.change) return null;
  return {
    ...run.change,
    answersByConfig: sortKeys(countBy(ok, (s) => s.configHash ?? 'none')),
    lastOldAnswerMs: consistency?.lastOldAnswerMs ?? null,
    firstNewAnswerMs: consistency?.firstNewAnswerMs ?? null,
    oldUntilLoadEnd: consistency?.oldUntilLoadEnd ?? false,
  };
}

/** Where every `*OffsetMs` counts from, and how to turn an absolute time into one. */
type Offset = (ms: number | null) => number | null;

export function summarizeRun(run: RunRecord): RunReport {
  const measures = measureRun(run);
  const { verdict, pass, reasons, checks } = judgeRun(run, measures);
  const { samples, events } = run;
  const [origin, timeOriginIs] = timeOrigin(run);
  const offset: Offset = (ms) => (ms === null || origin === null ? null : Math.round(ms - origin));
  const { failed, ok } = measures;
  const timeseries = perSecond(samples, origin ?? 0, seriesEnd(run));
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
    change: changeOf(run, measures),
    latencyMs: latencyPercentiles(samples.map((s) => s.latencyMs)),
    rollout: rolloutOf(run, offset),
    incidents: (run.incidents ?? []).map((incident) => ({
      at: iso(incident.at),
      offsetMs: offset(incident.at),
      pod: incident.pod,
      what: incident.what,
      // Requests cut on the pod, or sent to it before its endpoint removal reached the balancer.
      failedWithin5s: failed.filter((s) => s.endedAt >= incident.at && s.endedAt <= incident.at + 5000)
        .length,
    })),
    load: loadOf(run, measures),
    coverage: coverageOf(run, measures),
    reasons,
    checks,
    settings: run.settings,
    pods: podsOf(run, offset),
    firstFailures: firstFailuresOf(run, measures, offset),
    events: [...events]
      .sort((a, b) => a.at - b.at)
      .map((e) => ({
        at: iso(e.at) ?? '',
        offsetMs: offset(e.at) ?? 0,
        kind: e.kind,
        ...(isPodEvent(e) ? { pod: e.pod, version: e.version } : {}),
        ...(e.detail === undefined ? {} : { detail: e.detail }),
      })),
    timeseries,
    streams: streamsOf(run, measures, origin, timeseries.second),
    orders: ordersOf(measures),
  };
}

function rolloutOf({ rollout }: RunRecord, offset: Offset): RunReport['rollout'] {
  return {
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
  };
}

function loadOf({ load }: RunRecord, { window, achievedRate }: RunMeasures): RunReport['load'] {
  return {
    startedAt: iso(load.startedAt),
    endedAt: iso(load.endedAt),
    durationMs: diff(load.endedAt, load.startedAt),
    rate: load.rate,
    achievedRate: roundTo(achievedRate, 10),
    keepAlive: load.keepAlive,
    generator: load.generator,
    judgedUntil: iso(window?.endedAt ?? null),
    tailCutMs: Math.round(window?.cutMs ?? 0),
  };
}

function coverageOf({ load, rollout }: RunRecord, measures: RunMeasures): RunReport['coverage'] {
  return {
    loadBeforeRolloutMs: diff(rollout.startedAt, load.startedAt),
    loadAfterRolloutMs: diff(measures.window?.endedAt ?? null, rollout.completedAt),
    requestsBeforeRollout: measures.before,
    requestsAfterRollout: measures.after,
  };
}

function podsOf({ events }: RunRecord, offset: Offset): RunReport['pods'] {
  return podLifetimes(events).map((p) => ({
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
  }));
}

function firstFailuresOf(
  run: RunRecord,
  { failed }: RunMeasures,
  offset: Offset,
): RunReport['firstFailures'] {
  const { propagationLagMs } = run.settings;
  return [...failed]
    .sort((a, b) => a.scheduledAt - b.scheduledAt)
    .slice(0, FIRST_FAILURES)
    .map((s) => {
      // The moment that matters is when the request went out: that is when the balancer picked a pod.
      const at = s.startedAt;
      const podStates = podStatesAt(run.events, at);
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
    });
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : Math.round(a - b);
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
