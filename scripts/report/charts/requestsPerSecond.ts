import type { ReportChart } from './reportChart.js';
import { COLORS, COMMON_OPTIONS, perSecond, rolloutMarkers, timeAxis, versionColor } from './timeAxis.js';

const bar = { barPercentage: 1, categoryPercentage: 0.9 };

export const requestsPerSecond: ReportChart = {
  id: 'rps',
  title: 'Requests per second',
  note: 'Stacked by the version that answered; failures in red. Dashed lines: rollout started / complete.',
  build(report) {
    const { timeseries: ts } = report;
    const versions = Object.keys(ts.okByVersion).sort();
    return {
      type: 'bar',
      data: {
        datasets: [
          ...versions.map((version) => ({
            label: `v${version} answered`,
            data: perSecond(report, ts.okByVersion[version] ?? []),
            backgroundColor: versionColor(report, version),
            ...bar,
          })),
          { label: 'failed', data: perSecond(report, ts.failed), backgroundColor: COLORS.failed, ...bar },
        ],
      },
      options: {
        ...COMMON_OPTIONS,
        layout: { padding: { top: 24 } },
        scales: {
          x: { ...timeAxis(report), stacked: true },
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'requests / s' } },
        },
        plugins: {
          legend: { position: 'bottom' },
          // A few failures among 100 answers a second are a sliver of red: every second with any is flagged.
          failureFlags: {
            flags: ts.second.flatMap((second, i) =>
              (ts.failed[i] ?? 0) > 0 ? [{ x: second + 0.5, count: ts.failed[i]! }] : [],
            ),
          },
          rolloutMarkers: rolloutMarkers(report),
        },
      },
    };
  },
};
