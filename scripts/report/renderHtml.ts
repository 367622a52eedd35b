import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { chartsFor } from './charts/charts.js';
import { failureKinds } from './failureKinds.js';
import { summaryRows } from './summaryRows.js';
import type { RunReport } from './runReport.js';
import { escapeHtml } from './escapeHtml.js';

const BANNER: Record<RunReport['verdict'], { word: string; line: string; color: string }> = {
  pass: {
    word: 'PASS',
    line: 'Zero requests dropped; the load covered the whole rollout.',
    color: '#1a7f37',
  },
  fail: { word: 'FAIL', line: 'The rollout was not proven lossless.', color: '#cf222e' },
  'rollout-only': {
    word: 'ROLLOUT ONLY',
    line: 'The rollout completed, but the requests were not measured by this harness.',
    color: '#9a6700',
  },
  incomplete: {
    word: 'INCOMPLETE',
    line: 'The run was interrupted; this report is partial.',
    color: '#6e7781',
  },
};

/** report.html: self-contained (Chart.js inlined, data in a JSON island), so it opens from file:// offline. */
export function renderHtml(report: RunReport): string {
  const banner = BANNER[report.verdict];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${banner.word}: rollout proof, ${report.scenario} on ${report.target}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<header class="verdict" style="background:${banner.color}">
  <div class="word" id="verdict">${escapeHtml(banner.word)}</div>
  <div>${escapeHtml(banner.line)}</div>
  <div class="meta">scenario <b>${escapeHtml(report.scenario)}</b> · target <b>${escapeHtml(report.target)}</b> · load from ${escapeHtml(report.load.startedAt ?? 'never')}</div>
</header>
<main>
${
  report.reasons.length === 0
    ? ''
    : `<section class="reasons"><h2>${report.verdict === 'fail' ? 'What failed' : 'Why not a pass'}</h2><ul>${report.reasons
        .map((reason) => `<li>${escapeHtml(reason)}</li>`)
        .join('')}</ul></section>`
}
<section><h2>Summary</h2><table class="kv">${summaryRows(report)
    .map((row) => `<tr><th>${escapeHtml(row.label)}</th><td>${escapeHtml(row.value)}</td></tr>`)
    .join('')}</table></section>
<section><h2>Checks</h2><table><tr><th>Check</th><th>Result</th><th>Detail</th></tr>${report.checks
    .map((check) => {
      const [cls, word] =
        check.passed === null ? ['na', 'not measured'] : check.passed ? ['ok', 'passed'] : ['bad', 'FAILED'];
      return `<tr><td>${escapeHtml(check.name)}</td><td class="${cls}">${word}</td><td>${escapeHtml(check.detail)}</td></tr>`;
    })
    .join('')}</table></section>
${chartsFor(report)
  .map(
    (chart) =>
      `<section><h2>${escapeHtml(chart.title)}</h2><p class="note">${escapeHtml(chart.note)}</p><div class="chart"${
        chart.height ? ` style="height:${chart.height(report)}px"` : ''
      }><canvas id="chart-${chart.id}"></canvas></div></section>`,
  )
  .join('\n')}
${failureKindsTable(report)}
${firstFailures(report)}
<section><h2>Settings</h2><table class="kv">${Object.entries(report.settings)
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('')}</table></section>
</main>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script type="application/json" id="report-charts">${jsonForScript(chartsFor(report).map((chart) => ({ id: chart.id, config: chart.build(report) })))}</script>
<script>${chartJsSource()}</script>
<script type="module">${reportPageSource()}</script>
</body>
</html>
`;
}

function failureKindsTable(report: RunReport): string {
  const kinds = failureKinds(report);
  if (kinds.length === 0) return '';
  const rows = kinds
    .map(
      (k) =>
        `<tr><td class="bad">${escapeHtml(k.kind)}</td><td>${k.count}</td><td>${escapeHtml(k.meaning)}</td></tr>`,
    )
    .join('');
  return `<section><h2>Failure kinds</h2><table><tr><th>Kind</th><th>Requests</th><th>What it means</th></tr>${rows}</table></section>`;
}

function firstFailures(report: RunReport): string {
  if (report.firstFailures.length === 0) return '';
  const rows = report.firstFailures
    .map(
      (f) =>
        `<tr><td>${(f.offsetMs / 1000).toFixed(2)}</td><td class="bad">${escapeHtml(f.error)}</td><td>${escapeHtml(f.pod ?? '–')}</td><td>${escapeHtml(f.version ?? '–')}</td><td>${escapeHtml(f.phase)}</td><td>${escapeHtml(f.podsDoing)}</td></tr>`,
    )
    .join('');
  return `<section><h2>First failures (${report.firstFailures.length} of ${report.requests.failed})</h2><table><tr><th>Time (s)</th><th>Error</th><th>Pod</th><th>Version</th><th>Phase</th><th>What the pods were doing</th></tr>${rows}</table></section>`;
}

/**
 * JSON inside <script>: `</script>` or `<!--` in any string would end or corrupt the element, so every `<`
 * becomes \u003c (still the same JSON). U+2028/2029 are escaped too for older parsers.
 * https://html.spec.whatwg.org/multipage/scripting.html#restrictions-for-contents-of-script-elements
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

let pageSource: string | undefined;

/** page/reportPage.ts as compiled next to this file. */
function reportPageSource(): string {
  pageSource ??= readFileSync(new URL('./page/reportPage.js', import.meta.url), 'utf8')
    .replace(/\/\/# sourceMappingURL=.*$/m, '')
    .replace(/<\/script/gi, '<\\/script');
  return pageSource;
}

let chartJs: string | undefined;

/** Chart.js's UMD bundle, read from node_modules at render time (its package exports don't expose the file). */
function chartJsSource(): string {
  if (chartJs === undefined) {
    const main = createRequire(import.meta.url).resolve('chart.js'); // …/chart.js/dist/chart.cjs
    chartJs = readFileSync(join(dirname(main), 'chart.umd.js'), 'utf8').replace(/<\/script/gi, '<\\/script');
  }
  return chartJs;
}

const STYLE = `
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328;background:#f6f8fa}
.verdict{color:#fff;padding:22px 32px}
.verdict .word{font-size:44px;font-weight:800;letter-spacing:.04em}
.verdict .meta{opacity:.9;font-size:13px;margin-top:6px}
main{max-width:1100px;margin:0 auto;padding:8px 24px 40px}
section{background:#fff;border:1px solid #d0d7de;border-radius:8px;padding:12px 18px;margin:16px 0}
h2{font-size:18px;margin:4px 0 10px}
.reasons{border-color:#cf222e;background:#fff5f5}
.reasons li{margin:4px 0}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{text-align:left;padding:4px 8px;border-bottom:1px solid #eaeef2;vertical-align:top}
.kv th{width:220px;color:#57606a;font-weight:600}
.ok{color:#1a7f37;font-weight:600}.bad{color:#cf222e;font-weight:700}.na{color:#9a6700}
.note{color:#57606a;font-size:13px;margin:0 0 8px}
.chart{position:relative;height:280px}
`;
