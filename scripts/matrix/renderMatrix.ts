import type { CheckId } from '../verdict/checks.js';
import path from 'node:path';
import { escapeHtml } from '../report/escapeHtml.js';
import { textTable } from '../report/textTable.js';
import type { MatrixRow } from './matrixRows.js';
import type { MatrixResult, MatrixRun } from './runMatrix.js';

/** matrix.json, matrix.md and matrix.html from the results; also the table printed at the end. */
export interface MatrixSummary {
  generatedAt: string;
  machine: { cores: number; node: string; platform: string };
  repeat: number;
  allAsExpected: boolean;
  rows: Array<
    Omit<MatrixRow, 'expected' | 'why' | 'loadSpecific'> & {
      expected: string;
      why: string | null;
      matched: number;
      runs: number;
      failed: number[];
      errorKinds: string[];
      verdicts: string[];
      asExpected: boolean;
      reports: string[];
    }
  >;
}

/** A failure kind in the matrix's "expected" column: the check that fails, in a few words. */
const FAILURE_KIND_WORDS: Partial<Record<CheckId, string>> = {
  'streams-ended-cleanly': 'streams cut',
  'orders-none-ambiguous': 'orders ambiguous',
  'orders-none-lost': 'orders lost',
};

export function summarizeMatrix(
  results: MatrixResult[],
  repeat: number,
  machine: MatrixSummary['machine'],
): MatrixSummary {
  return {
    generatedAt: new Date().toISOString(),
    machine,
    repeat,
    allAsExpected: results.every((r) => r.asExpected),
    rows: results.map(({ row, runs, asExpected }) => ({
      id: row.id,
      scenario: row.scenario,
      removes: row.removes,
      keepAlive: row.keepAlive,
      propagationLagS: row.propagationLagS,
      rate: row.rate,
      load: row.load,
      expected:
        `${row.expected === 'none' ? '0 dropped' : 'some dropped'}` +
        (row.expectedConfig
          ? `, ${row.expectedConfig === 'consistent' ? 'new config only' : 'old config served on'}`
          : '') +
        (row.expectedFailing ?? []).map((id) => `, ${FAILURE_KIND_WORDS[id] ?? id}`).join('') +
        (row.loadSpecific ? ` (${LOAD_NAMES[row.load]})` : ''),
      why: row.why ?? null,
      matched: runs.filter((r) => r.asExpected).length,
      runs: runs.length,
      failed: runs.map((r) => r.failed),
      errorKinds: [...new Set(runs.flatMap((r) => Object.keys(r.byError)))].sort(),
      verdicts: runs.map((r) => r.verdict),
      asExpected,
      reports: runs.map((r: MatrixRun) => path.join(r.dir, 'report.html')),
    })),
  };
}

const LOAD_NAMES: Record<MatrixRow['load'], string> = { builtin: 'built-in generator' };

const columns = [
  'scenario',
  'keep-alive',
  'lag',
  'rps',
  'expected',
  'failed (per run)',
  'error kinds',
  'matched',
  '',
];

function cells(row: MatrixSummary['rows'][number]): string[] {
  return [
    row.scenario,
    row.keepAlive ? 'on' : 'off',
    `${row.propagationLagS} s`,
    String(row.rate),
    row.expected,
    row.failed.join(', ') || '-',
    row.errorKinds.join(', ') || '-',
    `${row.matched}/${row.runs}`,
    row.asExpected ? 'as expected' : 'UNEXPECTED',
  ];
}

export function matrixTable(summary: MatrixSummary): string {
  return textTable([columns, ...summary.rows.map(cells)]);
}

/** The generators the rows ran with, in words ('built-in generator'). */
function loads(summary: MatrixSummary): string {
  return [...new Set(summary.rows.map((row) => LOAD_NAMES[row.load]))].join(', ') || '-';
}

export function matrixMarkdown(summary: MatrixSummary): string {
  const lines = [
    `# Rollout matrix: ${summary.allAsExpected ? 'every row as expected' : 'UNEXPECTED rows'}`,
    '',
    `${summary.generatedAt} · ${summary.machine.cores} cores · Node.js ${summary.machine.node} · ${summary.repeat} run(s) per row · load: ${loads(summary)}`,
    '',
    '| Scenario | What it removes | Keep-alive | Lag | Rate | Expected | Failed (per run) | Error kinds | Matched | |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const row of summary.rows) {
    const c = cells(row);
    lines.push(
      `| ${[c[0], row.removes, ...c.slice(1)].map((v) => (v ?? '').replace(/\|/g, '\\|')).join(' | ')} |`,
    );
  }
  const explained = summary.rows.filter((row) => row.why);
  if (explained.length > 0) {
    lines.push('', 'Why some rows expect what they do:', '');
    for (const row of explained) lines.push(`- **${row.id}**: ${row.why}`);
  }
  return `${lines.join('\n')}\n`;
}

export function matrixHtml(summary: MatrixSummary, outDir: string): string {
  const rows = summary.rows
    .map((row) => {
      const c = cells(row);
      const links = row.reports
        .map((report, i) => `<a href="${escapeHtml(path.relative(outDir, report))}">run ${i + 1}</a>`)
        .join(' ');
      const cls = row.asExpected ? 'ok' : 'bad';
      const why = row.why ? `<br><small>${escapeHtml(row.why)}</small>` : '';
      return `<tr><td>${escapeHtml(row.scenario)}</td><td>${escapeHtml(row.removes)}${why}</td>${c
        .slice(1, 8)
        .map((v) => `<td>${escapeHtml(v ?? '')}</td>`)
        .join('')}<td class="${cls}">${escapeHtml(c[8] ?? '')}</td><td>${links}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Rollout matrix</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1f2328}table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:4px 8px;text-align:left}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:700}</style></head><body>
<h1>Rollout matrix: ${summary.allAsExpected ? 'every row as expected' : 'UNEXPECTED rows'}</h1>
<p>${escapeHtml(summary.generatedAt)} · ${summary.machine.cores} cores · Node.js ${escapeHtml(summary.machine.node)} · ${summary.repeat} run(s) per row · load: ${escapeHtml(loads(summary))}. Each run links to its report with charts.</p>
<table><tr><th>Scenario</th><th>What it removes</th><th>Keep-alive</th><th>Lag</th><th>Rate</th><th>Expected</th><th>Failed (per run)</th><th>Error kinds</th><th>Matched</th><th></th><th>Reports</th></tr>
${rows}</table></body></html>
`;
}
