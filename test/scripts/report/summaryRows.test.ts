import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSummary } from '../../../scripts/cli/progressOutput.js';
import { renderHtml } from '../../../scripts/report/renderHtml.js';
import { renderMarkdown } from '../../../scripts/report/renderMarkdown.js';
import { summarizeRun } from '../../../scripts/report/summarizeRun.js';
import { summaryRows } from '../../../scripts/report/summaryRows.js';
import { buildRunRecord } from '../../fixtures/buildRunRecord.js';

test('the terminal summary, report.md and report.html show the same summary rows, worded the same', () => {
  const report = summarizeRun(buildRunRecord({ failures: [{ atMs: 12_000, error: 'ECONNREFUSED' }] }));
  const rows = summaryRows(report);
  const terminal = formatSummary(report);
  const markdown = renderMarkdown(report);
  const html = renderHtml(report);
  for (const row of rows) {
    assert.ok(markdown.includes(`| ${row.label} | ${row.value} |`), `report.md lacks ${row.label}`);
    assert.ok(html.includes(`<th>${row.label}</th><td>`), `report.html lacks ${row.label}`);
    if (row.filesOnly) assert.ok(!terminal.includes(row.value), `${row.label} stays out of the terminal`);
    else
      assert.match(
        terminal,
        new RegExp(
          `${row.label.toLowerCase().replace(/[/]/g, '\\/')}\\s+${row.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
        ),
      );
  }
});
