/**
 * The browser side of report.html, inlined as a module script after Chart.js's UMD bundle (global `Chart`).
 * It registers the two drawing plugins the charts switch on through `options.plugins.<id>`, then draws every
 * chart from the configurations in the `report-charts` data island (built by charts/*.ts when the report was
 * written). No imports, no network: the page must work from file://. The charts are left on
 * `window.reportCharts` for tests. The project compiles without DOM types, so this names only what it uses.
 */

interface Canvas2D {
  save(): void;
  restore(): void;
  beginPath(): void;
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
  stroke(): void;
  fill(): void;
  fillRect(x: number, y: number, w: number, h: number): void;
  fillText(text: string, x: number, y: number): void;
  measureText(text: string): { width: number };
  setLineDash(segments: number[]): void;
  strokeStyle: string;
  fillStyle: string;
  lineWidth: number;
  font: string;
  textAlign: string;
}
interface DrawnChart {
  ctx: Canvas2D;
  chartArea: { left: number; right: number; top: number; bottom: number };
  scales: { x: { getPixelForValue(value: number): number } };
}
declare const Chart: {
  register(...plugins: object[]): void;
  new (canvas: unknown, config: unknown): unknown;
};
declare const document: { getElementById(id: string): { textContent: string | null } | null };
declare const window: { reportCharts?: unknown[] };

const rolloutMarkers = {
  id: 'rolloutMarkers',
  afterDatasetsDraw(
    chart: DrawnChart,
    _args: unknown,
    options: { markers?: Array<{ at: number; label: string }> },
  ) {
    const { ctx, chartArea: area, scales } = chart;
    ctx.save();
    (options.markers ?? []).forEach((marker, i) => {
      const px = scales.x.getPixelForValue(marker.at);
      if (px < area.left || px > area.right) return;
      ctx.strokeStyle = '#333';
      ctx.lineWidth = 1.5;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(px, area.top);
      ctx.lineTo(px, area.bottom);
      ctx.stroke();
      ctx.setLineDash([]);
      ctx.font = '12px sans-serif';
      const width = ctx.measureText(marker.label).width;
      // The first label sits left of its line, the second right of its own, so they never overlap.
      const tx = i === 0 ? px - 4 - width : px + 4;
      ctx.fillStyle = 'rgba(255,255,255,0.85)';
      ctx.fillRect(tx - 2, area.top + 1, width + 4, 15);
      ctx.fillStyle = '#333';
      ctx.textAlign = 'left';
      ctx.fillText(marker.label, tx, area.top + 12);
    });
    ctx.restore();
  },
};

const failureFlags = {
  id: 'failureFlags',
  afterDatasetsDraw(
    chart: DrawnChart,
    _args: unknown,
    options: { flags?: Array<{ x: number; count: number }> },
  ) {
    const { ctx, chartArea: area, scales } = chart;
    ctx.save();
    ctx.fillStyle = '#d62728';
    ctx.font = 'bold 11px sans-serif';
    ctx.textAlign = 'center';
    for (const flag of options.flags ?? []) {
      const px = scales.x.getPixelForValue(flag.x);
      ctx.beginPath();
      ctx.moveTo(px - 5, area.top - 10);
      ctx.lineTo(px + 5, area.top - 10);
      ctx.lineTo(px, area.top - 3);
      ctx.fill();
      ctx.fillText(String(flag.count), px, area.top - 13);
    }
    ctx.restore();
  },
};

Chart.register(rolloutMarkers, failureFlags);
const charts = JSON.parse(document.getElementById('report-charts')?.textContent ?? '[]') as Array<{
  id: string;
  config: unknown;
}>;
window.reportCharts = charts.map(
  ({ id, config }) => new Chart(document.getElementById(`chart-${id}`), config),
);

export {};
