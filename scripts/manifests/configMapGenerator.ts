import { isUtf8 } from 'node:buffer';
import { z } from 'zod';
import { configMapHash } from './configMapHash.js';
import { loadPairs } from './kvSources.js';
import { ManifestError } from './manifestError.js';
import type { KubeObject } from './kubeObject.js';

/**
 * kustomize's `configMapGenerator` and `generatorOptions` (kustomize v5.5 behaviour, read in
 * api/kv/kv.go, api/internal/generators/, api/types/generatoroptions.go, api/resmap/reswrangler.go and
 * api/resource/resource.go at https://github.com/kubernetes-sigs/kustomize/tree/kustomize/v5.5.0, and
 * checked against `kubectl kustomize`). https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/configmapgenerator/
 *
 * As in kustomize, a generated ConfigMap keeps its plain name through the whole build, carrying two
 * build annotations (whether it wants a hash suffix, its behavior); patches see them (a JSON patch can
 * add /metadata/annotations/x to a ConfigMap that has no annotations of its own). Only at the very end
 * of the top-level build does the name get its hash, from the final data, and the annotations go.
 */

export const generatorOptionsSchema = z.strictObject({
  labels: z.record(z.string(), z.string()).optional(),
  annotations: z.record(z.string(), z.string()).optional(),
  disableNameSuffixHash: z.boolean().optional(),
  immutable: z.boolean().optional(),
});
type GeneratorOptions = z.infer<typeof generatorOptionsSchema>;

export const configMapArgsSchema = z.strictObject({
  name: z.string().min(1, 'a configmap must have a name'),
  namespace: z.string().optional(),
  // kustomize reads any other string as "create"; refusing it keeps a typo ("Merge") from doing so.
  behavior: z.enum(['create', 'merge', 'replace']).optional(),
  literals: z.array(z.string()).optional(),
  files: z.array(z.string()).optional(),
  envs: z.array(z.string()).optional(),
  /** Deprecated singular form; kustomize appends it to `envs` (types.FixKustomization). */
  env: z.string().optional(),
  options: generatorOptionsSchema.optional(),
});
type ConfigMapArgs = z.infer<typeof configMapArgsSchema>;

const BUILD = 'internal.config.kubernetes.io/';
export const NEEDS_HASH_SUFFIX = `${BUILD}needsHashSuffix`;
const GENERATOR_BEHAVIOR = `${BUILD}generatorBehavior`;
/** resource.BuildAnnotations: removed from every object at the end of a build. */
const BUILD_ANNOTATIONS = [
  ...['previousKinds', 'previousNames', 'prefixes', 'suffixes', 'previousNamespaces'].map((a) => BUILD + a),
  ...['allowNameChange', 'allowKindChange', 'refBy', 'generatorBehavior', 'needsHashSuffix'].map(
    (a) => BUILD + a,
  ),
  ...['path', 'index', 'seqindent', 'id', 'annotations-migration-resource-id'].map((a) => BUILD + a),
  'config.kubernetes.io/path',
  'config.kubernetes.io/index',
  'config.k8s.io/id',
];

/** One generator entry → its ConfigMap, named without hash, with its build annotations. */
export function generateConfigMap(
  args: ConfigMapArgs,
  globalOptions: GeneratorOptions | undefined,
  dir: string,
  where: string,
): KubeObject {
  const options = mergeGlobalOptionsIntoLocal(args.options, globalOptions);
  const pairs = loadPairs(args, dir, where);
  const data: Record<string, string> = {};
  const binaryData: Record<string, string> = {};
  const seen = new Set<string>();
  for (const { key, value } of pairs) {
    if (seen.has(key))
      throw new ManifestError(`${where}: configmap ${args.name} illegally repeats the key \`${key}\``);
    seen.add(key);
    // kyaml datamap.go: valid UTF-8 goes to data, anything else to binaryData as wrapped base64.
    if (typeof value === 'string') data[key] = value;
    else if (isUtf8(value)) data[key] = value.toString('utf8');
    else binaryData[key] = wrappedBase64(value);
  }

  const annotations: Record<string, string> = { ...options.annotations };
  if (!options.disableNameSuffixHash) annotations[NEEDS_HASH_SUFFIX] = 'enabled';
  annotations[GENERATOR_BEHAVIOR] = args.behavior ?? 'unspecified';
  const metadata: KubeObject['metadata'] = { name: args.name };
  if (args.namespace) metadata.namespace = args.namespace;
  if (options.labels && Object.keys(options.labels).length > 0) metadata.labels = { ...options.labels };
  metadata.annotations = annotations;
  const configMap: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata };
  if (Object.keys(data).length > 0) configMap.data = data;
  if (Object.keys(binaryData).length > 0) configMap.binaryData = binaryData;
  if (options.immutable) configMap.immutable = true;
  return configMap;
}

/**
 * types.MergeGlobalOptionsIntoLocal: the entry's labels and annotations win over the kustomization's,
 * but a boolean set globally cannot be unset locally (a local false is indistinguishable from unset).
 */
function mergeGlobalOptionsIntoLocal(
  local: GeneratorOptions | undefined,
  global: GeneratorOptions | undefined,
): GeneratorOptions {
  return {
    labels: { ...global?.labels, ...local?.labels },
    annotations: { ...global?.annotations, ...local?.annotations },
    disableNameSuffixHash: Boolean(global?.disableNameSuffixHash || local?.disableNameSuffixHash),
    immutable: Boolean(global?.immutable || local?.immutable),
  };
}

/** kyaml encodeBase64: standard base64 in lines of 70, each ending in \n when there is more than one. */
function wrappedBase64(bytes: Buffer): string {
  const encoded = bytes.toString('base64');
  if (encoded.length < 70) return encoded;
  return (encoded.match(/.{1,70}/g) ?? []).map((line) => `${line}\n`).join('');
}

/**
 * resWrangler.appendReplaceOrMerge: a new ConfigMap is added (behavior create), or replaces or merges
 * into the one object with its id (which may be a ConfigMap from `resources`, not only a generated one).
 * What survives a merge or replace (resource.CopyMergeMetaDataFieldsFrom):
 *   - name and namespace of the old one; labels and annotations of both, the new ones winning;
 *   - the build annotations of the old one only, and the hash suffix only if both wanted it;
 *   - everything else from the new one: `immutable: true` on the old one is lost unless set again;
 *   - data and binaryData: the new ones (replace) or both, the new keys winning (merge).
 * The result takes the old one's place in the list.
 */
export function absorbConfigMap(objects: KubeObject[], configMap: KubeObject, where: string): KubeObject[] {
  const newAnnotations = configMap.metadata.annotations as Record<string, string>;
  const kind = newAnnotations[GENERATOR_BEHAVIOR];
  const matches = objects.filter((object) => sameId(object, configMap));
  const id = `ConfigMap ${configMap.metadata.namespace ?? 'default'}/${configMap.metadata.name}`;
  if (matches.length > 1) throw new ManifestError(`${where}: found several objects that could accept ${id}`);
  const old = matches[0];
  if (!old) {
    if (kind === 'merge' || kind === 'replace') {
      throw new ManifestError(`${where}: ${id} does not exist; cannot ${kind} (behavior ${kind})`);
    }
    return [...objects, configMap];
  }
  if (kind !== 'merge' && kind !== 'replace') {
    throw new ManifestError(`${where}: ${id} exists; behavior must be merge or replace`);
  }
  const oldAnnotations = stringMap(old.metadata.annotations, `${where}: the existing ${id}: annotations`);
  const annotations = { ...oldAnnotations, ...newAnnotations };
  for (const key of BUILD_ANNOTATIONS) {
    if (key in oldAnnotations) annotations[key] = oldAnnotations[key] as string;
    else delete annotations[key];
  }
  if (!(NEEDS_HASH_SUFFIX in newAnnotations)) delete annotations[NEEDS_HASH_SUFFIX];
  const labels = {
    ...stringMap(old.metadata.labels, `${where}: the existing ${id}: labels`),
    ...(configMap.metadata.labels as Record<string, string> | undefined),
  };

  const {
    labels: _labels,
    annotations: _annotations,
    namespace: _namespace,
    ...metadata
  } = configMap.metadata;
  const merged: KubeObject = { ...configMap, metadata: { ...metadata, name: old.metadata.name } };
  if (old.metadata.namespace) merged.metadata.namespace = old.metadata.namespace;
  if (Object.keys(labels).length > 0) merged.metadata.labels = labels;
  if (Object.keys(annotations).length > 0) merged.metadata.annotations = annotations;
  if (kind === 'merge') {
    for (const field of ['data', 'binaryData'] as const) {
      const union = {
        ...stringMap(old[field], `${where}: the existing ${id}: ${field}`),
        ...stringMap(configMap[field], `${where}: ${field}`),
      };
      if (Object.keys(union).length > 0) merged[field] = union;
      else delete merged[field];
    }
  }
  return objects.map((object) => (object === old ? merged : object));
}

/** resid.ResId.Equals: same group, version, kind and name; no namespace and "default" are the same. */
function sameId(object: KubeObject, configMap: KubeObject): boolean {
  return (
    object.apiVersion === 'v1' &&
    object.kind === 'ConfigMap' &&
    object.metadata.name === configMap.metadata.name &&
    effectiveNamespace(object) === effectiveNamespace(configMap)
  );
}

export function effectiveNamespace(object: KubeObject): string {
  return object.metadata.namespace || 'default';
}

export interface Renamed {
  object: KubeObject;
  /** The name before the hash suffix: what references to it in other objects say. */
  previousName: string;
}

/**
 * HashTransformer, run once on the top-level result (kusttarget.go makeCustomizedResMap): every object
 * still asking for a suffix gets `-<hash of its final data>`, so patches and merges all count.
 */
export function addHashSuffixes(objects: KubeObject[]): Renamed[] {
  const renamed: Renamed[] = [];
  for (const object of objects) {
    const annotations = object.metadata.annotations as Record<string, unknown> | undefined;
    if (annotations?.[NEEDS_HASH_SUFFIX] !== 'enabled') continue;
    const where = `${object.kind} ${object.metadata.name}`;
    if (object.kind !== 'ConfigMap' || object.apiVersion !== 'v1') {
      throw new ManifestError(`${where}: a name hash for a ${object.kind} is not supported by this renderer`);
    }
    const previousName = object.metadata.name;
    object.metadata.name = `${previousName}-${configMapHash(object, where)}`;
    renamed.push({ object, previousName });
  }
  return renamed;
}

/**
 * resource.RemoveBuildAnnotations, on the objects that have any: the build annotations go, the field
 * goes if nothing is left, and what is left is written back as strings (kyaml SetAnnotations).
 */
export function removeBuildAnnotations(objects: KubeObject[]): void {
  for (const object of objects) {
    const annotations = object.metadata.annotations as Record<string, unknown> | undefined;
    if (!annotations || !BUILD_ANNOTATIONS.some((key) => key in annotations)) continue;
    const kept: Record<string, string> = {};
    for (const [key, value] of Object.entries(annotations)) {
      if (BUILD_ANNOTATIONS.includes(key)) continue;
      if (typeof value === 'boolean') kept[key] = String(value);
      else if (typeof value === 'string') kept[key] = value;
      else {
        throw new ManifestError(
          `${object.kind} ${object.metadata.name}: annotation ${key} is not a string; this renderer cannot print it as kustomize does`,
        );
      }
    }
    if (Object.keys(kept).length > 0) object.metadata.annotations = kept;
    else delete object.metadata.annotations;
  }
}

function stringMap(value: unknown, where: string): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (
    typeof value !== 'object' ||
    Array.isArray(value) ||
    !Object.values(value).every((item) => typeof item === 'string')
  ) {
    throw new ManifestError(`${where} must be a map of strings for this renderer to merge it`);
  }
  return value as Record<string, string>;
}
