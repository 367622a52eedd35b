import { onOffFlag, textFlag } from '../../../loadtest/flags/flag.js';
import { valuesOf } from '../../../loadtest/flags/parseFlags.js';
import { CLUSTER_FLAGS, clusterImage } from '../../cluster/clusterFlags.js';

/** The kube target's own rows of demo:rollout's flag table (--image shared with kind). */
export const KUBE_FLAGS = {
  context: textFlag({ value: 'NAME', help: 'kube target: kubectl context' }),
  ...CLUSTER_FLAGS,
  'node-port': onOffFlag({
    default: false,
    targets: { names: ['kube'], why: 'kind publishes its own NodePort' },
    shownDefault: 'off: expose it yourself, then --lb-port',
    help:
      'publish the Service on NodePort 30080 and send load to 127.0.0.1:30080, for a cluster whose ' +
      'kube-proxy serves NodePorts on loopback, as npm run cluster:up makes',
  }),
};

/** What only the kube target is made from. */
export interface KubeOwnOptions {
  /** The kubectl context; null: not given (the target refuses to start without one). */
  context: string | null;
  /** Image repository (`hello` by default). */
  image: string;
  /** Publish the Service on NodePort 30080 and load 127.0.0.1 there. */
  nodePort: boolean;
}

export function readKubeOptions(values: Readonly<Record<string, unknown>>): KubeOwnOptions {
  const own = valuesOf(KUBE_FLAGS, values);
  return { context: own.context, image: clusterImage(values), nodePort: own['node-port'] };
}
