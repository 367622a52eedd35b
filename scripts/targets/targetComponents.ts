import type { TargetName } from '../target.js';

/**
 * Every set of Components (k8s/components/<name>) each target can add to a scenario. A data module of its own,
 * so the lint can render every composition without loading the targets themselves (the local engine, kind).
 */
export const TARGET_COMPONENT_SETS: Readonly<Record<TargetName, readonly (readonly string[])[]>> = {
  local: [[]],
  // NodePort 30080 (mapped to the host by k8s/kind/cluster.yaml), loaded images only.
  kind: [['kind']],
  // With --node-port on: NodePort 30080 on a cluster whose kube-proxy serves it on 127.0.0.1.
  kube: [[], ['node-port']],
};
