import type { RunReport } from '../runReport.js';
import type { MarkerPluginOptions } from './reportChart.js';

const seconds = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : ms / 1000);

/** One x range (seconds from the time origin) for every chart, so they line up under each other. */
export function timeAxis(report: RunReport) {
  let lo = 0;
  let hi = report.timeseries.second.length;
  for (const pod of report.pods) {
    for (const at of Object.values(pod.offsetsMs)) {
      const s = seconds(at);
      if (s !== null) {
        lo = Math.min(lo, s);
        hi = Math.max(hi, s);
      }
    }
  }
  for (const ms of [report.rollout.startedOffsetMs, report.rollout.completedOffsetMs]) {
    const s = seconds(ms);
    if (s !== null) hi = Math.max(hi, s);
  }
  return {
    type: 'linear' as const,
    min: Math.floor(lo / 5) * 5,
    max: Math.ceil(hi),
    title: { display: true, text: `seconds since the ${report.timeOriginIs}` },
  };
}

/** The dashed lines every chart shows: rollout started, rollout complete. */
export function rolloutMarkers(report: RunReport): MarkerPluginOptions {
  const markers: MarkerPluginOptions['markers'] = [];
  const started = seconds(report.rollout.startedOffsetMs);
  const completed = seconds(report.rollout.completedOffsetMs);
  if (started !== null) markers.push({ at: started, label: 'rollout started' });
  if (completed !== null) markers.push({ at: completed, label: 'rollout complete' });
  return { markers };
}

/** A bar or point per second, in the middle of its second. */
export function perSecond(report: RunReport, values: ReadonlyArray<number | null>) {
  return report.timeseries.second.map((second, i) => ({ x: second + 0.5, y: values[i] ?? null }));
}

export const COMMON_OPTIONS = {
  animation: false as const,
  responsive: true,
  maintainAspectRatio: false,
};

export const COLORS = { failed: '#d62728', starting: '#b8b8b8', terminating: '#ff9f1c', p50: '#1f77b4' };
const VERSION_COLORS = ['#1f77b4', '#2ca02c', '#9467bd', '#8c564b'];

/** Each version keeps its color across the charts (v1 blue, v2 green, ...). */
export function versionColor(report: RunReport, version: string): string {
  const versions = [
    ...new Set([...Object.keys(report.timeseries.okByVersion), ...report.pods.map((p) => p.version)]),
  ].sort();
  const index = Math.max(versions.indexOf(version), 0);
  return VERSION_COLORS[index % VERSION_COLORS.length]!;
}
