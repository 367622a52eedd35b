import { onOffFlag, switchFlag, textFlag } from '../../../loadtest/flags/flag.js';
import { valuesOf } from '../../../loadtest/flags/parseFlags.js';
import { CLUSTER_FLAGS, clusterImage } from '../../cluster/clusterFlags.js';

const MAKES_ITS_CLUSTER = { names: ['kind'], why: 'the only target that makes its cluster' };

/** The kind target's own rows of demo:rollout's flag table (--image shared with kube). */
export const KIND_FLAGS = {
  ...CLUSTER_FLAGS,
  'keep-cluster': onOffFlag({ default: true, help: 'kind target: keep the cluster afterwards' }),
  'recreate-cluster': switchFlag({
    targets: MAKES_ITS_CLUSTER,
    help:
      'delete an existing cluster zero-downtime and create it afresh (for a stopped or half-made one, or ' +
      'one with another --lb-port)',
  }),
  'kind-node-image': textFlag({
    value: 'IMG',
    targets: MAKES_ITS_CLUSTER,
    shownDefault: "KIND_NODE_IMAGE, else k8s/kind/cluster.yaml's pinned kindest/node",
    help: 'the node image of a cluster it creates; offline, build one with npm run kind:node-image',
  }),
};

/** What only the kind target is made from. */
export interface KindOwnOptions {
  /** Image repository (`hello` by default). */
  image: string;
  keepCluster: boolean;
  recreateCluster: boolean;
  /** The node image for `kind create cluster --image` (--kind-node-image); null: the config's. */
  kindNodeImage: string | null;
}

export function readKindOptions(values: Readonly<Record<string, unknown>>): KindOwnOptions {
  const own = valuesOf(KIND_FLAGS, values);
  return {
    image: clusterImage(values),
    keepCluster: own['keep-cluster'],
    recreateCluster: own['recreate-cluster'],
    kindNodeImage: own['kind-node-image'],
  };
}
