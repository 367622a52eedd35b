import { latencyPerSecond } from './latencyPerSecond.js';
import { podTimeline } from './podTimeline.js';
import type { RunReport } from '../runReport.js';
import type { ReportChart } from './reportChart.js';
import { answersByConfig } from './answersByConfig.js';
import { requestsPerSecond } from './requestsPerSecond.js';
import { streamEvents } from './streamEvents.js';

/** The charts of report.html, in page order. A new chart is one module and one line here. */
export const CHARTS: readonly ReportChart[] = [
  requestsPerSecond,
  answersByConfig,
  streamEvents,
  latencyPerSecond,
  podTimeline,
];

/** The charts that have something to show for `report`. */
export function chartsFor(report: RunReport): ReportChart[] {
  return CHARTS.filter((chart) => chart.appliesTo?.(report) ?? true);
}
