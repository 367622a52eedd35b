import { effectiveNamespace, type Renamed } from './configMapGenerator.js';
import { ManifestError } from './manifestError.js';
import type { KubeObject } from './kubeObject.js';

/**
 * After the hash suffixes, kustomize rewrites references to a renamed ConfigMap's previous name
 * (ResAccumulator.FixBackReferences, api/filters/nameref/nameref.go), at the ConfigMap paths of its
 * default name-reference config (api/internal/konfig/builtinpluginconsts/namereference.go, v5.5.0).
 * A reference is rewritten only from an object in the same namespace (none and "default" being the
 * same); a name that matches no renamed ConfigMap (a ConfigMap from `resources`, a typo) stays as it is.
 * Not rewritten, as in kustomize: ephemeralContainers, and any field outside these paths.
 */

const POD_SPEC_PATHS = [
  'spec/volumes/configMap/name',
  'spec/containers/env/valueFrom/configMapKeyRef/name',
  'spec/initContainers/env/valueFrom/configMapKeyRef/name',
  'spec/containers/envFrom/configMapRef/name',
  'spec/initContainers/envFrom/configMapRef/name',
  'spec/volumes/projected/sources/configMap/name',
];

/** Referrer kind → the paths to names in it. Pod must be version v1; the others any group and version. */
const REFERRERS: Record<string, string[]> = {
  Pod: POD_SPEC_PATHS,
  PodTemplate: POD_SPEC_PATHS.map((p) => `template/${p}`),
  ...Object.fromEntries(
    ['Deployment', 'ReplicaSet', 'DaemonSet', 'StatefulSet', 'Job'].map((kind) => [
      kind,
      POD_SPEC_PATHS.map((p) => `spec/template/${p}`),
    ]),
  ),
  CronJob: POD_SPEC_PATHS.map((p) => `spec/jobTemplate/spec/template/${p}`),
};

/** Referrers in kustomize's config that this renderer does not rewrite: it refuses them instead. */
const UNSUPPORTED_REFERRERS: Array<[string, (object: KubeObject) => boolean]> = [
  ['Node', (object) => has(object, ['spec', 'configSource', 'configMap'])],
  ['Role', (object) => hasResourceNames(object)],
  ['ClusterRole', (object) => hasResourceNames(object)],
  [
    'Ingress',
    (object) =>
      has(object, ['metadata', 'annotations', 'nginx.ingress.kubernetes.io/fastcgi-params-configmap']),
  ],
];

export function fixConfigMapReferences(objects: readonly KubeObject[], renamed: readonly Renamed[]): void {
  if (renamed.length === 0) return;
  for (const object of objects) {
    const unsupported = UNSUPPORTED_REFERRERS.find(([kind, holds]) => object.kind === kind && holds(object));
    if (unsupported) {
      throw new ManifestError(
        `${object.kind} ${object.metadata.name}: rewriting its ConfigMap references to hashed names is not supported by this renderer; use kubectl kustomize for it`,
      );
    }
    const paths = REFERRERS[object.kind];
    if (!paths || (object.kind === 'Pod' && version(object) !== 'v1')) continue;
    const candidates = renamed.filter((r) => effectiveNamespace(r.object) === effectiveNamespace(object));
    for (const fieldPath of paths) {
      const where = `${object.kind} ${object.metadata.name}: ${fieldPath}`;
      rewrite(object, fieldPath.split('/'), where, (name) => referral(name, candidates, where));
    }
  }
}

/** nameref.selectReferral: the one renamed ConfigMap whose previous name is the reference. */
function referral(name: string, candidates: readonly Renamed[], where: string): string {
  const found = candidates.filter((r) => r.previousName === name);
  const first = found[0];
  if (!first) return name;
  if (found.some((r) => r.object.metadata.name !== first.object.metadata.name)) {
    throw new ManifestError(`${where}: found multiple possible referrals to ${name}`);
  }
  return first.object.metadata.name;
}

/**
 * The fieldspec filter's walk (api/filters/fieldspec/fieldspec.go): each segment names a map field,
 * lists on the way are walked element by element, a missing or null field ends the walk quietly, and
 * a scalar where a map or list should be is an error.
 */
function rewrite(
  node: unknown,
  segments: readonly string[],
  where: string,
  update: (name: string) => string,
): void {
  if (node === null || node === undefined) return;
  if (Array.isArray(node)) {
    for (const item of node) rewrite(item, segments, where, update);
    return;
  }
  const [head, ...rest] = segments;
  if (typeof node !== 'object' || head === undefined) {
    throw new ManifestError(`${where}: expected a list or a map where "${segments.join('/')}" continues`);
  }
  const map = node as Record<string, unknown>;
  if (!(head in map)) return;
  if (rest.length > 0) {
    rewrite(map[head], rest, where, update);
    return;
  }
  const value = map[head];
  if (value === null) return;
  if (typeof value !== 'string') {
    throw new ManifestError(`${where}: a name that is not a string is not supported by this renderer`);
  }
  map[head] = update(value);
}

function version(object: KubeObject): string {
  return object.apiVersion.slice(object.apiVersion.indexOf('/') + 1);
}

function has(node: unknown, keys: readonly string[]): boolean {
  let current = node;
  for (const key of keys) {
    if (typeof current !== 'object' || current === null || !(key in current)) return false;
    current = (current as Record<string, unknown>)[key];
  }
  return current !== undefined && current !== null;
}

function hasResourceNames(object: KubeObject): boolean {
  const rules = object.rules;
  return Array.isArray(rules) && rules.some((rule) => has(rule, ['resourceNames']));
}
