import type { ReportChart } from './reportChart.js';
import { COLORS, COMMON_OPTIONS, perSecond, rolloutMarkers, timeAxis } from './timeAxis.js';

const line = (label: string, color: string, data: Array<{ x: number; y: number | null }>) => ({
  label,
  data,
  borderColor: color,
  backgroundColor: color,
  pointRadius: 0,
  borderWidth: 2,
});

export const latencyPerSecond: ReportChart = {
  id: 'latency',
  title: 'Latency per second',
  note: 'p50 and p99 of the requests scheduled in each second, counted from the scheduled send time.',
  build(report) {
    return {
      type: 'line',
      data: {
        datasets: [
          line('p50', COLORS.p50, perSecond(report, report.timeseries.p50)),
          line('p99', COLORS.terminating, perSecond(report, report.timeseries.p99)),
        ],
      },
      options: {
        ...COMMON_OPTIONS,
        scales: {
          x: timeAxis(report),
          y: { beginAtZero: true, title: { display: true, text: 'latency, ms' } },
        },
        plugins: { legend: { position: 'bottom' }, rolloutMarkers: rolloutMarkers(report) },
      },
    };
  },
};
