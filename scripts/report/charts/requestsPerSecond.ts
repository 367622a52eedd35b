import type { ReportChart } from './reportChart.js';
import { stackedAnswers } from './stackedAnswers.js';
import { versionColor } from './timeAxis.js';

export const requestsPerSecond: ReportChart = {
  id: 'rps',
  title: 'Requests per second',
  note: 'Stacked by the version that answered; failures in red. Dashed lines: rollout started / complete.',
  build(report) {
    const { timeseries: ts } = report;
    const series = Object.keys(ts.okByVersion)
      .sort()
      .map((version) => ({
        label: `v${version} answered`,
        perSecond: ts.okByVersion[version] ?? [],
        color: versionColor(report, version),
      }));
    return stackedAnswers(report, series, 'requests / s', {
      // A few failures among 100 answers a second are a sliver of red: every second with any is flagged.
      failureFlags: {
        flags: ts.second.flatMap((second, i) =>
          (ts.failed[i] ?? 0) > 0 ? [{ x: second + 0.5, count: ts.failed[i]! }] : [],
        ),
      },
    });
  },
};
