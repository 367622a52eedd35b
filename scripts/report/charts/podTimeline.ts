import type { RunReport } from '../runReport.js';
import type { ReportChart } from './reportChart.js';
import { COLORS, COMMON_OPTIONS, rolloutMarkers, timeAxis, versionColor } from './timeAxis.js';

type Pod = RunReport['pods'][number];
type Moment = keyof Pod['offsetsMs'];

/** A floating bar [from, to] in seconds: from one moment of the pod's life to the first later one it reached. */
function segment(pod: Pod, from: Moment, until: Moment[], end: number): [number, number] | null {
  const start = pod.offsetsMs[from];
  if (start === null) return null;
  const stop = until.map((moment) => pod.offsetsMs[moment]).find((ms) => ms !== null);
  return [start / 1000, stop === undefined || stop === null ? end : stop / 1000];
}

const bars = { grouped: false, barPercentage: 0.7, categoryPercentage: 1 };

export const podTimeline: ReportChart = {
  id: 'pods',
  title: 'Pods',
  note: "Each pod's life: starting (grey), ready (its version's color), terminating (orange).",
  height: (report) => Math.max(180, 60 + 32 * report.pods.length),
  build(report) {
    const x = timeAxis(report);
    const { pods } = report;
    return {
      type: 'bar',
      data: {
        labels: pods.map((pod) => `${pod.name} (v${pod.version})`),
        datasets: [
          {
            label: 'starting',
            data: pods.map((pod) => segment(pod, 'created', ['ready', 'terminating', 'exited'], x.max)),
            backgroundColor: COLORS.starting,
            ...bars,
          },
          {
            label: 'ready',
            data: pods.map((pod) => segment(pod, 'ready', ['terminating', 'exited'], x.max)),
            backgroundColor: pods.map((pod) => versionColor(report, pod.version)),
            ...bars,
          },
          {
            label: 'terminating',
            data: pods.map((pod) => segment(pod, 'terminating', ['exited'], x.max)),
            backgroundColor: COLORS.terminating,
            ...bars,
          },
        ],
      },
      options: {
        ...COMMON_OPTIONS,
        indexAxis: 'y',
        scales: { x, y: { ticks: { autoSkip: false } } },
        plugins: { legend: { position: 'bottom' }, rolloutMarkers: rolloutMarkers(report) },
      },
    };
  },
};
