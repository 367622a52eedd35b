import { counts, milliseconds, seconds } from './format.js';
import type { RunReport } from './runReport.js';

export interface SummaryRow {
  label: string;
  value: string;
  /** Only in report.md and report.html; the terminal summary stays one screen. */
  filesOnly?: boolean;
}

/**
 * The summary of a run, row by row: built once here, shown by the terminal summary, report.md and report.html.
 * Rows that only some runs have (a judged window shorter than the load, a rollback, chaos) appear when they apply.
 */
/** For a configuration change: what changed, the answers by configuration, and how long the old one lasted. */
function configRows(report: RunReport): SummaryRow[] {
  const change = report.change;
  if (!change || change.kind === 'code') return [];
  const { configFrom: from, configTo: to } = change;
  const name = (hash: string) =>
    hash === from.hash ? `old ${hash}` : hash === to.hash ? `new ${hash}` : hash;
  return [
    {
      label: 'Configuration',
      value: `"${from.greeting}" (${from.hash}) → "${to.greeting}" (${to.hash}), ${to.source}`,
    },
    {
      label: 'Answers by configuration',
      value: Object.entries(change.answersByConfig)
        .map(([hash, n]) => `${name(hash)} ${n}`)
        .join(', '),
    },
    {
      label: 'Old configuration served',
      value:
        change.lastOldAnswerMs === null
          ? 'not after the rollout started'
          : `until ${seconds(change.lastOldAnswerMs)} after the rollout started` +
            (change.oldUntilLoadEnd ? ', when the load stopped' : '') +
            (change.firstNewAnswerMs === null
              ? '; the new one never answered'
              : `; the new one from ${seconds(change.firstNewAnswerMs)}`),
    },
  ];
}

export function summaryRows(report: RunReport): SummaryRow[] {
  const { requests: r, latencyMs: l, rollout, load, coverage: c } = report;
  const rows: SummaryRow[] = [
    { label: 'Verdict', value: report.verdict.toUpperCase() },
    { label: 'Target / scenario', value: `${report.target} / ${report.scenario}` },
    { label: 'Requests', value: `${r.total} sent, ${r.ok} ok, ${r.failed} failed` },
    { label: 'Answers by version', value: counts(r.byVersion, 'v') },
    ...configRows(report),
    ...streamAndOrderRows(report),
    { label: 'Failures by kind', value: counts(r.byError) },
    { label: 'Latency p50 / p95 / p99', value: [l.p50, l.p95, l.p99].map(milliseconds).join(' / ') },
    {
      label: 'Load',
      value:
        `${load.generator}, ${load.rate} rps requested, ` +
        `${load.achievedRate === null ? '–' : load.achievedRate.toFixed(1)} achieved, keep-alive ${load.keepAlive ? 'on' : 'off'}`,
    },
    {
      label: 'Load started / ended',
      value: `${load.startedAt ?? 'never'} / ${load.endedAt ?? 'never'}`,
      filesOnly: true,
    },
    {
      label: 'Rollout',
      value:
        `${rollout.outcome}${rollout.durationMs === null ? '' : `, ${seconds(rollout.durationMs)}`}` +
        (report.change?.templateChanges === false
          ? ' (nothing rolled out: the pod template did not change)'
          : ''),
    },
    {
      label: 'Rollout started / completed',
      value: `${rollout.startedAt ?? 'never'} / ${rollout.completedAt ?? 'never'}`,
      filesOnly: true,
    },
  ];
  rows.push(...whatHappenedRows(report));
  rows.push({
    label: 'Coverage',
    value:
      `load ran ${seconds(c.loadBeforeRolloutMs, '(not measured)')} before the rollout (${c.requestsBeforeRollout} requests), ` +
      `${seconds(c.loadAfterRolloutMs, '(not measured)')} after it completed (${c.requestsAfterRollout} requests)`,
  });
  return rows;
}

/** With --streams and --mix: how every stream ended, and the POSTs against what the pods processed. */
function streamAndOrderRows({ streams, orders }: RunReport): SummaryRow[] {
  const rows: SummaryRow[] = [];
  if (streams) {
    const gap =
      streams.reconnectGapP99Ms === null
        ? 'no reconnect'
        : `reconnect gap p99 ${seconds(streams.reconnectGapP99Ms)} (max ${seconds(streams.reconnectGapMaxMs)})`;
    const cutBy = streams.cut > 0 ? ` (${counts(streams.cutBy)})` : '';
    rows.push({
      label: 'Streams',
      value: `${streams.opened} opened, ${streams.endedCleanly} ended by the server's final event, ${streams.cut} cut${cutBy}, ${streams.openAtStop} open at the stop; ${gap}`,
    });
  }
  if (orders) {
    rows.push({
      label: 'Orders',
      value:
        `${orders.sent} sent, ${orders.confirmed} confirmed; lost ${orders.lost.count}, ` +
        `ambiguous ${orders.ambiguous.count}, duplicated ${orders.duplicated.count}` +
        (orders.unrecorded.count > 0 ? `, ${orders.unrecorded.count} answered 201 but not in the logs` : ''),
    });
  }
  return rows;
}

/** The rows only some runs have: error kinds explained, a cut window, a rollback, chaos. */
function whatHappenedRows(report: RunReport): SummaryRow[] {
  const { requests: r, rollout, load } = report;
  const rows: SummaryRow[] = [];
  // What the error kinds mean on this target (kind: docker-proxy turns a refusal into a close or reset).
  if (r.errorKindsNote && r.failed > 0) rows.push({ label: 'Error kinds', value: r.errorKindsNote });
  if (load.tailCutMs > 0) {
    rows.push({
      label: 'Judged window',
      value:
        `up to ${seconds(load.tailCutMs)} before the load stopped (${load.judgedUntil ?? 'never'}): ` +
        'the load tool records nothing for requests in flight when it is stopped, so delivery and coverage ' +
        'count only up to there',
    });
  }
  if (rollout.rollback) {
    const took = rollout.rollback.durationMs === null ? '' : ` in ${seconds(rollout.rollback.durationMs)}`;
    rows.push({ label: 'Rollback', value: `${rollout.rollback.outcome}${took} (--on-fail rollback)` });
  }
  for (const incident of report.incidents) {
    const when = incident.offsetMs === null ? '' : ` at ${seconds(incident.offsetMs)}`;
    rows.push({
      label: 'Chaos',
      value: `${incident.pod} ${incident.what}${when}; ${incident.failedWithin5s} request(s) failed within 5 s after`,
    });
  }
  return rows;
}
