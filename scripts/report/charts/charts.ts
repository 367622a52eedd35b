import { latencyPerSecond } from './latencyPerSecond.js';
import { podTimeline } from './podTimeline.js';
import type { ReportChart } from './reportChart.js';
import { requestsPerSecond } from './requestsPerSecond.js';

/** The charts of report.html, in page order. A new chart is one module and one line here. */
export const CHARTS: readonly ReportChart[] = [requestsPerSecond, latencyPerSecond, podTimeline];
