import { compareBytes } from './configMapHash.js';
import type { KubeObject } from './kubeObject.js';

/**
 * The order `kubectl kustomize` prints objects in. Without `sortOptions` in the kustomization and
 * without --reorder, kustomize v5 still applies the legacy order (krusty/kustomizer.go applySortOrder):
 * these kinds first, in this order, the webhook configurations last, everything else in between; ties
 * by group_version_kind, then by kind.version.group|namespace|name (Go string order, bytewise).
 * So a generated ConfigMap comes out before the Deployment that uses it, wherever it was generated.
 * https://github.com/kubernetes-sigs/kustomize/blob/kustomize/v5.5.0/api/internal/builtins/SortOrderTransformer.go
 */
const ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
];
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'];

export function sortLikeKustomize(objects: readonly KubeObject[]): KubeObject[] {
  return [...objects].sort(compare);
}

function rank(kind: string): number {
  const first = ORDER_FIRST.indexOf(kind);
  if (first !== -1) return first - ORDER_FIRST.length;
  const last = ORDER_LAST.indexOf(kind);
  return last === -1 ? 0 : last + 1;
}

function groupVersion(object: KubeObject): { group: string; version: string } {
  const slash = object.apiVersion.indexOf('/');
  if (slash === -1) return { group: '', version: object.apiVersion };
  return { group: object.apiVersion.slice(0, slash), version: object.apiVersion.slice(slash + 1) };
}

function gvkSortString(object: KubeObject): string {
  const { group, version } = groupVersion(object);
  return [group || '~G', version || '~V', object.kind || '~K'].join('_');
}

function idSortString(object: KubeObject): string {
  const { group, version } = groupVersion(object);
  const gvk = [object.kind || '[noKind]', version || '[noVer]', group || '[noGrp]'].join('.');
  return [gvk, object.metadata.namespace || '~X', object.metadata.name || '~N'].join('|');
}

function compare(a: KubeObject, b: KubeObject): number {
  const gvkA = gvkSortString(a);
  const gvkB = gvkSortString(b);
  if (gvkA !== gvkB) {
    const byRank = rank(a.kind) - rank(b.kind);
    if (byRank !== 0) return byRank;
    // gvkLessThan: Namespaces without a group sort in reverse.
    const reverse =
      a.kind === 'Namespace' && b.kind === 'Namespace' && (!groupVersion(a).group || !groupVersion(b).group);
    return reverse ? compareBytes(gvkB, gvkA) : compareBytes(gvkA, gvkB);
  }
  return compareBytes(idSortString(a), idSortString(b));
}
