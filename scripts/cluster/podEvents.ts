import type { V1Pod } from '@kubernetes/client-node';
import type { RolloutEvent } from '../model.js';
import type { AppUnderTest } from '../app/appUnderTest.js';
import { SAMPLE_APP } from '../app/sampleApp.js';

/** What of the app tells its pods' versions apart. */
export type PodVersionRule = Pick<AppUnderTest, 'container' | 'imageVersions'>;

/** What the harness tracks of one pod, taken from the API object. */
export interface PodState {
  name: string;
  version: string;
  ready: boolean;
  /** metadata.deletionTimestamp is set: the pod is shutting down (it leaves the endpoints now). */
  terminating: boolean;
  restarts: number;
  /** The container of a terminating pod has stopped (the kubelet reports it before the object is deleted). */
  exited: boolean;
  /** How the container last ended, for `exited` and `restarted` details ("exit 0 (Completed)"). */
  lastExit: string | null;
}

export function podState(pod: V1Pod, app: PodVersionRule = SAMPLE_APP): PodState {
  const statuses = pod.status?.containerStatuses;
  const container = statuses?.find((status) => status.name === app.container) ?? statuses?.[0];
  const ended = container?.state?.terminated ?? container?.lastState?.terminated;
  return {
    name: pod.metadata?.name ?? 'unknown',
    version: podVersion(pod, app),
    ready: pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false,
    terminating: Boolean(pod.metadata?.deletionTimestamp),
    restarts: container?.restartCount ?? 0,
    exited: Boolean(pod.metadata?.deletionTimestamp && container?.state?.terminated),
    lastExit: ended ? `exit ${ended.exitCode}${ended.reason ? ` (${ended.reason})` : ''}` : null,
  };
}

/**
 * The release a pod runs: by its container's image where the app names its images (prove: "1" rolled
 * from, "2" rolled to); for the sample, APP_VERSION, else the image tag's number (hello:v2 → "2").
 */
export function podVersion(pod: V1Pod, app: PodVersionRule = SAMPLE_APP): string {
  const containers = pod.spec?.containers;
  const container = containers?.find((candidate) => candidate.name === app.container) ?? containers?.[0];
  if (app.imageVersions) return app.imageVersions[container?.image ?? ''] ?? 'unknown';
  const env = container?.env?.find((variable) => variable.name === 'APP_VERSION')?.value;
  if (env) return env;
  const tag = /:v?(\d+)(?:@.*)?$/.exec(container?.image ?? '');
  return tag?.[1] ?? 'unknown';
}

/**
 * The rollout events between two sightings of a pod: the same kinds, in the same order, as the local
 * target emits. `after` null means the pod object is gone (DELETED): its containers have exited.
 * Watches re-list after a reconnect, so seeing an unchanged pod again yields nothing.
 */
export function podChanges(before: PodState | undefined, after: PodState | null, at: number): RolloutEvent[] {
  const events: RolloutEvent[] = [];
  const current = after ?? before;
  if (!current) return events;
  const push = (
    kind: 'created' | 'ready' | 'not-ready' | 'terminating' | 'exited' | 'restarted',
    detail?: string,
  ) => events.push({ at, kind, pod: current.name, version: current.version, ...(detail ? { detail } : {}) });

  if (!after) {
    if (before && !before.terminating) push('terminating');
    if (!before?.exited) push('exited', before?.lastExit ?? 'pod deleted');
    return events;
  }
  if (!before) push('created');
  if (after.restarts > (before?.restarts ?? 0) && before) push('restarted', after.lastExit ?? undefined);
  if (after.ready && !before?.ready) push('ready');
  if (after.terminating && !before?.terminating) push('terminating');
  if (!after.ready && before?.ready) push('not-ready');
  // When the container stopped, not when the API object went away (that comes later, after the kubelet's cleanup).
  if (after.exited && !before?.exited) push('exited', after.lastExit ?? undefined);
  return events;
}
