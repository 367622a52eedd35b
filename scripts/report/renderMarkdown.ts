import { escapeHtmlText } from './escapeHtml.js';
import { failureKinds } from './failureKinds.js';
import { summaryRows } from './summaryRows.js';
import type { RunReport } from './runReport.js';

const HEADLINE: Record<RunReport['verdict'], string> = {
  pass: 'PASS: zero requests dropped during the rollout',
  fail: 'FAIL',
  'rollout-only': 'ROLLOUT ONLY: the rollout completed; requests were not measured here',
  incomplete: 'INCOMPLETE: the run was interrupted, this report is partial',
};

/** report.md: the verdict on top, then why, a summary table, the first failures and the pods. */
export function renderMarkdown(report: RunReport): string {
  const lines: string[] = [];
  lines.push(`# Rollout proof: ${HEADLINE[report.verdict]}`, '');
  lines.push(`Target \`${cell(report.target)}\`, scenario \`${cell(report.scenario)}\`.`, '');
  if (report.reasons.length > 0) {
    lines.push(report.verdict === 'fail' ? '## What failed' : '## Why not a pass', '');
    for (const reason of report.reasons) lines.push(`- ${escapeHtmlText(reason)}`);
    lines.push('');
  }

  lines.push('## Summary', '', '| | |', '|---|---|');
  for (const row of summaryRows(report)) lines.push(`| ${row.label} | ${cell(row.value)} |`);
  lines.push('');

  lines.push('## Checks', '', '| Check | Result | Detail |', '|---|---|---|');
  for (const check of report.checks) {
    const result = check.passed === null ? 'not measured' : check.passed ? 'passed' : '**FAILED**';
    lines.push(`| ${cell(check.name)} | ${result} | ${cell(check.detail)} |`);
  }
  lines.push('');

  const kinds = failureKinds(report);
  if (kinds.length > 0) {
    lines.push('## Failure kinds', '', '| Kind | Requests | What it means |', '|---|---|---|');
    for (const k of kinds) lines.push(`| ${cell(k.kind)} | ${k.count} | ${cell(k.meaning)} |`);
    lines.push('');
  }

  if (report.firstFailures.length > 0) {
    lines.push(
      `## First failures (${report.firstFailures.length} of ${report.requests.failed})`,
      '',
      '| Time (s) | Error | Pod | Version | Phase | What the pods were doing |',
      '|---|---|---|---|---|---|',
    );
    for (const f of report.firstFailures) {
      lines.push(
        `| ${(f.offsetMs / 1000).toFixed(2)} | ${cell(f.error)} | ${cell(f.pod ?? '–')} | ${cell(f.version ?? '–')} | ${cell(f.phase)} | ${cell(f.podsDoing)} |`,
      );
    }
    lines.push('');
  }

  lines.push(
    `## Pods (times in s from the ${report.timeOriginIs})`,
    '',
    '| Pod | Version | Created | Ready | Terminating | Exited | Restarts |',
    '|---|---|---|---|---|---|---|',
  );
  for (const p of report.pods) {
    const t = (ms: number | null): string => (ms === null ? '–' : (ms / 1000).toFixed(1));
    const o = p.offsetsMs;
    lines.push(
      `| ${cell(p.name)} | ${cell(p.version)} | ${t(o.created)} | ${t(o.ready)} | ${t(o.terminating)} | ${t(o.exited)} | ${p.restarts} |`,
    );
  }
  lines.push('');

  const settings = Object.entries(report.settings);
  if (settings.length > 0) {
    lines.push('## Settings', '', '| Setting | Value |', '|---|---|');
    for (const [k, v] of settings) lines.push(`| ${cell(k)} | ${cell(String(v))} |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Table cells: a pipe or a newline would break the row; markup characters would render. */
function cell(value: string): string {
  return escapeHtmlText(value).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}
