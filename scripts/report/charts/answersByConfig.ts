import type { ReportChart } from './reportChart.js';
import { COLORS, COMMON_OPTIONS, perSecond, rolloutMarkers, timeAxis } from './timeAxis.js';

const bar = { barPercentage: 1, categoryPercentage: 0.9 };
const OLD = '#9467bd';
const NEW = '#2ca02c';
const OTHER = '#8c564b';

/** Answers per second by the configuration they were built from: shown when the rollout changed it. */
export const answersByConfig: ReportChart = {
  id: 'config',
  title: 'Answers per second by configuration',
  note: 'Stacked by the configuration each answer was built from (X-Config-Hash): old, new; failures in red. Dashed lines: rollout started / complete.',
  appliesTo: (report) => report.change !== null && report.change.kind !== 'code',
  build(report) {
    const { timeseries: ts } = report;
    const change = report.change!;
    const label = (hash: string) =>
      hash === change.configFrom.hash
        ? `old: "${change.configFrom.greeting}" (${hash})`
        : hash === change.configTo.hash
          ? `new: "${change.configTo.greeting}" (${hash})`
          : `other (${hash})`;
    const color = (hash: string) =>
      hash === change.configFrom.hash ? OLD : hash === change.configTo.hash ? NEW : OTHER;
    return {
      type: 'bar',
      data: {
        datasets: [
          ...Object.keys(ts.okByConfig).map((hash) => ({
            label: label(hash),
            data: perSecond(report, ts.okByConfig[hash] ?? []),
            backgroundColor: color(hash),
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
          y: { stacked: true, beginAtZero: true, title: { display: true, text: 'answers / s' } },
        },
        plugins: { legend: { position: 'bottom' }, rolloutMarkers: rolloutMarkers(report) },
      },
    };
  },
};
