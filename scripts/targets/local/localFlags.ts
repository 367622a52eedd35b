import { numberFlag } from '../../../loadtest/flags/flag.js';
import { valuesOf } from '../../../loadtest/flags/parseFlags.js';
import { DEFAULT_KUBELET_SYNC_S, DEFAULT_PROPAGATION_LAG_S } from './measuredDefaults.js';

/** The local target's own rows of demo:rollout's flag table: the engine's measured timings. */
export const LOCAL_FLAGS = {
  'propagation-lag': numberFlag({
    min: 0,
    max: 60,
    unit: 'seconds',
    default: DEFAULT_PROPAGATION_LAG_S,
    value: 'S',
    help: 'local target: seconds for an endpoint change to reach the balancer, as measured on a cluster',
  }),
  'kubelet-sync': numberFlag({
    min: 0.1,
    max: 600,
    unit: 'seconds',
    default: DEFAULT_KUBELET_SYNC_S,
    value: 'S',
    help:
      "local target: seconds between the kubelet's syncs of a pod, when a mounted ConfigMap's change " +
      'reaches it, as measured on a cluster',
  }),
};

/** What only the local target is made from. */
export interface LocalOwnOptions {
  /** How long an endpoint change takes to reach the balancer (--propagation-lag). */
  propagationLagMs: number;
  /** How often the kubelet syncs a pod, and so rewrites its ConfigMap volumes (syncFrequency). */
  kubeletSyncMs: number;
}

export function readLocalOptions(values: Readonly<Record<string, unknown>>): LocalOwnOptions {
  const own = valuesOf(LOCAL_FLAGS, values);
  return { propagationLagMs: own['propagation-lag'] * 1000, kubeletSyncMs: own['kubelet-sync'] * 1000 };
}
