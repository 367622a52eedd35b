import type { ReportChart } from './reportChart.js';
import { stackedAnswers } from './stackedAnswers.js';

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
    const series = Object.keys(ts.okByConfig).map((hash) => ({
      label: label(hash),
      perSecond: ts.okByConfig[hash] ?? [],
      color: color(hash),
    }));
    return stackedAnswers(report, series, 'answers / s');
  },
};
