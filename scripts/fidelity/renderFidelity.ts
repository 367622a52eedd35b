import path from 'node:path';
import type { ClusterTimings } from './measureCluster.js';
import { escapeHtml } from '../report/escapeHtml.js';
import { textTable } from '../report/textTable.js';
import { describeExpectation } from './fidelityRows.js';
import { FIDELITY_TARGETS, type FidelityResult, type FidelityTarget } from './runFidelity.js';

/** What fidelity.json holds; fidelity.md, fidelity.html and the printed table are views of it. */
export interface FidelitySummary {
  generatedAt: string;
  machine: { cores: number; node: string; platform: string; kubernetes: string; containerd: string };
  repeat: number;
  /** Every row as expected on both targets in every repeat. */
  allAsExpected: boolean;
  timings: ClusterTimings | null;
  rows: Array<{
    id: string;
    scenario: string;
    keepAlive: boolean;
    rate: number;
    expected: string;
    why: string | null;
    targets: Record<
      FidelityTarget,
      { failed: number[]; errorKinds: string[]; matched: number; runs: number; reports: string[] }
    >;
    /** Both targets showed what the row expects, every time. */
    agree: boolean;
    /** A difference that cannot be removed, said in the row (error kinds of a user-space proxy). */
    note: string | null;
  }>;
}

export function summarizeFidelity(
  results: FidelityResult[],
  repeat: number,
  machine: FidelitySummary['machine'],
  timings: ClusterTimings | null,
): FidelitySummary {
  const rows = results.map(({ row, runs }) => {
    const targets = Object.fromEntries(
      FIDELITY_TARGETS.map((target) => [
        target,
        {
          failed: runs[target].map((run) => run.failed),
          errorKinds: [...new Set(runs[target].flatMap((run) => Object.keys(run.byError)))].sort(),
          matched: runs[target].filter((run) => run.asExpected).length,
          runs: runs[target].length,
          reports: runs[target].map((run) => path.join(run.dir, 'report.html')),
        },
      ]),
    ) as FidelitySummary['rows'][number]['targets'];
    const agree = FIDELITY_TARGETS.every((t) => targets[t].runs === repeat && targets[t].matched === repeat);
    const refusedOnlyOnCluster =
      targets.kube.errorKinds.includes('ECONNREFUSED') && !targets.local.errorKinds.includes('ECONNREFUSED');
    return {
      id: row.id,
      scenario: row.scenario,
      keepAlive: row.keepAlive,
      rate: row.rate,
      expected: describeExpectation(row.expected),
      why: row.why ?? null,
      targets,
      agree,
      note: refusedOnlyOnCluster
        ? 'kube-proxy (iptables) refuses a connection with no endpoint; the local user-space balancer has accepted it already and resets it'
        : null,
    };
  });
  return {
    generatedAt: new Date().toISOString(),
    machine,
    repeat,
    allAsExpected: rows.every((row) => row.agree),
    timings,
    rows,
  };
}

const HEADER = [
  'scenario',
  'keep-alive',
  'rps',
  'expected',
  'local failed',
  'local errors',
  'local',
  'cluster failed',
  'cluster errors',
  'cluster',
  'agree',
];

function cells(row: FidelitySummary['rows'][number]): string[] {
  const side = (target: FidelityTarget) => {
    const t = row.targets[target];
    return [t.failed.join(', ') || '-', t.errorKinds.join(', ') || '-', `${t.matched}/${t.runs} as expected`];
  };
  return [
    row.scenario,
    row.keepAlive ? 'on' : 'off',
    String(row.rate),
    row.expected,
    ...side('local'),
    ...side('kube'),
    row.agree ? 'yes' : 'NO',
  ];
}

export function fidelityTable(summary: FidelitySummary): string {
  return textTable([HEADER, ...summary.rows.map(cells)]);
}

function timingLines(timings: ClusterTimings | null): string[] {
  if (!timings) return ['Cluster timings were not measured in this run (--measure off).'];
  return [
    '| Timing | Measured on the cluster | Local engine |',
    '|---|---|---|',
    ...timings.rows.map((t) => `| ${t.name} | ${t.measured} | ${t.engine} |`),
  ];
}

export function fidelityMarkdown(summary: FidelitySummary): string {
  const m = summary.machine;
  const lines = [
    `# Fidelity: the local engine against real Kubernetes — ${summary.allAsExpected ? 'every row agrees' : 'ROWS DISAGREE'}`,
    '',
    `${summary.generatedAt} · ${m.platform}, ${m.cores} cores · Node.js ${m.node} · Kubernetes ${m.kubernetes} · containerd ${m.containerd} · ${summary.repeat} run(s) per row and target`,
    '',
    `| ${HEADER.map((h) => h[0]!.toUpperCase() + h.slice(1)).join(' | ')} | Note |`,
    `|${HEADER.map(() => '---').join('|')}|---|`,
    ...summary.rows.map(
      (row) => `| ${[...cells(row), row.note ?? ''].map((v) => v.replace(/\|/g, '\\|')).join(' | ')} |`,
    ),
    '',
    '## Cluster timings',
    '',
    ...timingLines(summary.timings),
  ];
  const explained = summary.rows.filter((row) => row.why);
  if (explained.length > 0) {
    lines.push('', 'Why some rows expect what they do:', '');
    for (const row of explained) lines.push(`- **${row.id}**: ${row.why}`);
  }
  return `${lines.join('\n')}\n`;
}

export function fidelityHtml(summary: FidelitySummary, outDir: string): string {
  const links = (reports: string[]) =>
    reports
      .map((report, i) => `<a href="${escapeHtml(path.relative(outDir, report))}">${i + 1}</a>`)
      .join(' ');
  const body = summary.rows
    .map((row) => {
      const c = cells(row);
      return `<tr>${c
        .slice(0, 10)
        .map((v) => `<td>${escapeHtml(v)}</td>`)
        .join(
          '',
        )}<td class="${row.agree ? 'ok' : 'bad'}">${escapeHtml(c[10] ?? '')}</td><td>local ${links(row.targets.local.reports)} · cluster ${links(row.targets.kube.reports)}</td><td><small>${escapeHtml(row.note ?? row.why ?? '')}</small></td></tr>`;
    })
    .join('\n');
  const timings = summary.timings
    ? `<table><tr><th>Timing</th><th>Measured on the cluster</th><th>Local engine</th></tr>${summary.timings.rows
        .map(
          (t) =>
            `<tr><td>${escapeHtml(t.name)}</td><td>${escapeHtml(t.measured)}</td><td>${escapeHtml(t.engine)}</td></tr>`,
        )
        .join('')}</table>`
    : '<p>Not measured in this run.</p>';
  const m = summary.machine;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Fidelity</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse;margin-bottom:16px}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:700}</style></head><body>
<h1>Fidelity: the local engine against real Kubernetes — ${summary.allAsExpected ? 'every row agrees' : 'ROWS DISAGREE'}</h1>
<p>${escapeHtml(summary.generatedAt)} · ${escapeHtml(m.platform)}, ${m.cores} cores · Node.js ${escapeHtml(m.node)} · Kubernetes ${escapeHtml(m.kubernetes)} · containerd ${escapeHtml(m.containerd)} · ${summary.repeat} run(s) per row and target. Each number links to its run's report.</p>
<table><tr>${HEADER.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}<th>reports</th><th>note</th></tr>
${body}</table>
<h2>Cluster timings</h2>
${timings}
</body></html>
`;
}
