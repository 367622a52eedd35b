import type { ChartConfiguration } from 'chart.js';
import type { RunReport } from '../runReport.js';

/**
 * One chart of report.html. `build` runs when the report is written and returns a plain Chart.js
 * configuration (JSON: no functions), which the page hands to `new Chart` as it is. Drawing that needs code
 * in the browser (rollout markers, failure flags) lives in the page's plugins, switched on per chart through
 * `options.plugins.<id>` (page/reportPage.ts).
 */
export interface ReportChart {
  /** The canvas is `chart-<id>`. */
  id: string;
  title: string;
  /** One line under the title: how to read the chart. */
  note: string;
  /** Whether the chart has something to show for this run (default: every run). */
  appliesTo?: (report: RunReport) => boolean;
  /** Canvas height in px; the default suits a time series. */
  height?: (report: RunReport) => number;
  build(report: RunReport): ChartConfiguration;
}

/** The options of the page's plugins, as the charts set them (page/reportPage.ts reads them). */
export interface MarkerPluginOptions {
  markers: Array<{ at: number; label: string }>;
}
export interface FailureFlagsOptions {
  /** Failed requests per bar, and where the bar is on the x axis. */
  flags: Array<{ x: number; count: number }>;
}
