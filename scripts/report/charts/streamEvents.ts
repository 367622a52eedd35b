import type { ReportChart } from './reportChart.js';
import { stackedAnswers } from './stackedAnswers.js';
import { versionColor } from './timeAxis.js';

/** Stream events per second by the version that sent them, and the streams cut: shown with --streams. */
export const streamEvents: ReportChart = {
  id: 'streams',
  title: 'Stream events per second',
  note: 'Server-Sent Events received on the long-lived streams, stacked by the version that sent them; streams cut in red. Dashed lines: rollout started / complete.',
  appliesTo: (report) => report.streams !== null,
  build(report) {
    const streams = report.streams!;
    const series = Object.keys(streams.eventsPerSecondByVersion)
      .sort()
      .map((version) => ({
        label: `v${version} events`,
        perSecond: streams.eventsPerSecondByVersion[version] ?? [],
        color: versionColor(report, version),
      }));
    return stackedAnswers(
      report,
      series,
      'events / s',
      {},
      { label: 'streams cut', perSecond: streams.cutPerSecond },
    );
  },
};
