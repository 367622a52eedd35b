import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { chromium, type Browser } from 'playwright-core';
import type { RunRecord } from '../../../scripts/model.js';
import { escapeHtml } from '../../../scripts/report/escapeHtml.js';
import { jsonForScript, renderHtml } from '../../../scripts/report/renderHtml.js';
import { summarizeRun } from '../../../scripts/report/summarizeRun.js';
import { buildRunRecord } from '../../fixtures/buildRunRecord.js';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
// dist/test/scripts/report/ → the repository root; reports/ is gitignored.
const SCREENSHOTS = fileURLToPath(new URL('../../../../reports/screenshots/', import.meta.url));

const withFailures = (): RunRecord =>
  buildRunRecord({
    failures: [
      { atMs: 12_000, error: 'ECONNREFUSED' },
      { atMs: 12_010, error: 'ECONNREFUSED' },
      { atMs: 12_550, error: 'ECONNRESET', pod: 'hello-v1-1', version: '1' },
      { atMs: 15_020, error: 'ECONNRESET', pod: 'hello-v1-2', version: '1' },
      { atMs: 17_530, error: null, status: 503, pod: 'hello-v1-3', version: '1' },
    ],
  });

test('charts answers by configuration for a configuration change, and only then', () => {
  const config = { hash: '185f8db3', greeting: 'Hello', source: 'a literal GREETING' };
  const newer = { hash: '0eefdf99', greeting: 'Howdy', source: 'a literal GREETING' };
  const change = { configFrom: config, configTo: newer, templateChanges: true, settleMs: 15_000 };
  const configRun = renderHtml(summarizeRun({ ...buildRunRecord(), change: { kind: 'config', ...change } }));
  const codeRun = renderHtml(summarizeRun({ ...buildRunRecord(), change: { kind: 'code', ...change } }));
  assert.match(configRun, /<canvas id="chart-config">/);
  assert.match(configRun, /Answers per second by configuration/);
  assert.doesNotMatch(codeRun, /chart-config/);
});

test('escapes text and attribute characters', () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;');
});

test('embeds JSON that cannot close its script element and still parses to the same value', () => {
  const value = { s: '</script><!-- \u2028' };
  const embedded = jsonForScript(value);
  assert.doesNotMatch(embedded, /</);
  assert.deepEqual(JSON.parse(embedded), value);
});

test('never lets a scenario name inject markup', () => {
  const run = { ...withFailures(), scenario: '</script><img src=x onerror=alert(1)>' };
  const html = renderHtml(summarizeRun(run));
  assert.doesNotMatch(html, /<img/);
  assert.match(html, /&#60;\/script&#62;&#60;img src=x onerror=alert\(1\)&#62;/);
});

test('is self-contained: no external script, stylesheet or image', () => {
  const html = renderHtml(summarizeRun(withFailures()));
  assert.doesNotMatch(html, /<(script|link|img)[^>]+(src|href)=/i);
  assert.match(html, /Chart\.js v4/);
});

describeInChromium();

interface BrowserGlobals {
  document: {
    title: string;
    getElementById(id: string): {
      textContent: string | null;
      width: number;
      height: number;
      getContext(kind: '2d'): {
        getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
      };
    };
  };
  Chart: {
    getChart(
      canvas: unknown,
    ): { data: { labels?: unknown[]; datasets: { label: string; data: unknown[] }[] } } | undefined;
  };
  reportCharts?: unknown[];
}

function describeInChromium(): void {
  let browser: Browser | undefined;
  let dir = '';

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'report-html-'));
    if (!existsSync(CHROMIUM)) return;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      timeout: 30_000,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  test(
    'renders in headless Chromium with the verdict and all three charts, offline and without errors',
    { timeout: 60_000 },
    async () => {
      assert.ok(
        browser,
        `Chromium is not installed at ${CHROMIUM}; this test needs Debian's chromium package: ` +
          'apt-get update && apt-get install -y chromium',
      );
      const file = join(dir, 'report.html');
      await writeFile(
        file,
        renderHtml(summarizeRun({ ...withFailures(), scenario: 'hardened </script> "quoted"' })),
      );

      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const errors: string[] = [];
      const requests: string[] = [];
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(`console: ${message.text()}`);
      });
      page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 20_000 });

      const state = await page.evaluate(() => {
        // This runs in the page; the project compiles without DOM types, so it names only what it touches.
        const { document, Chart, reportCharts } = globalThis as unknown as BrowserGlobals;
        const charts = ['chart-rps', 'chart-latency', 'chart-pods'].map((id) => {
          const canvas = document.getElementById(id);
          const chart = Chart.getChart(canvas);
          const { data } = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height);
          let painted = 0;
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
          return {
            id,
            painted,
            labels: chart?.data.labels?.length ?? 0,
            datasets: chart?.data.datasets.map((d) => [d.label, d.data.length] as [string, number]) ?? [],
          };
        });
        return {
          verdict: document.getElementById('verdict').textContent,
          title: document.title,
          charts,
          reportCharts: reportCharts?.length,
        };
      });

      await mkdir(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'report.png'), fullPage: true });

      assert.deepEqual(errors, []);
      assert.deepEqual(
        requests.filter((url) => !url.startsWith('file:')),
        [],
        'the page fetched nothing from the network',
      );
      assert.equal(state.verdict, 'FAIL');
      assert.match(state.title, /hardened <\/script> "quoted"/);
      assert.equal(state.reportCharts, 3);
      const [rps, latency, pods] = state.charts;
      assert.deepEqual(rps!.datasets, [
        ['v1 answered', 40],
        ['v2 answered', 40],
        ['failed', 40],
      ]);
      assert.deepEqual(latency!.datasets, [
        ['p50', 40],
        ['p99', 40],
      ]);
      assert.equal(pods!.labels, 6);
      assert.deepEqual(
        pods!.datasets.map(([label]) => label),
        ['starting', 'ready', 'terminating'],
      );
      for (const chart of state.charts)
        assert.ok(chart.painted > 5000, `${chart.id} has drawn pixels (${chart.painted})`);
    },
  );
}
