import type { RunReport } from '../runReport.js';
import { COLORS, COMMON_OPTIONS, perSecond, rolloutMarkers, timeAxis } from './timeAxis.js';

const bar = { barPercentage: 1, categoryPercentage: 0.9 };

/** One stack of the bars: successful answers per second of one kind (a version, a configuration). */
export interface AnswerSeries {
  label: string;
  perSecond: readonly number[];
  color: string;
}

/**
 * Answers per second stacked by `series`, failures in red on top, on the report's time axis with the
 * rollout markers: the shape of every "who answered, second by second" chart.
 */
export function stackedAnswers(
  report: RunReport,
  series: readonly AnswerSeries[],
  yTitle: string,
  plugins: Record<string, unknown> = {},
  /** The red stack on top: the failed requests, unless the chart counts failures of another kind. */
  failures: { label: string; perSecond: readonly number[] } = {
    label: 'failed',
    perSecond: report.timeseries.failed,
  },
) {
  return {
    type: 'bar' as const,
    data: {
      datasets: [
        ...series.map((s) => ({
          label: s.label,
          data: perSecond(report, [...s.perSecond]),
          backgroundColor: s.color,
          ...bar,
        })),
        {
          label: failures.label,
          data: perSecond(report, [...failures.perSecond]),
          backgroundColor: COLORS.failed,
          ...bar,
        },
      ],
    },
    options: {
      ...COMMON_OPTIONS,
      layout: { padding: { top: 24 } },
      scales: {
        x: { ...timeAxis(report), stacked: true },
        y: { stacked: true, beginAtZero: true, title: { display: true, text: yTitle } },
      },
      plugins: {
        legend: { position: 'bottom' as const },
        rolloutMarkers: rolloutMarkers(report),
        ...plugins,
      },
    },
  };
}
