import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import {
  absorbConfigMap,
  addHashSuffixes,
  configMapArgsSchema,
  generateConfigMap,
  generatorOptionsSchema,
  removeBuildAnnotations,
} from './configMapGenerator.js';
import { applyJsonPatch, jsonPatchOpSchema } from './jsonPatch.js';
import { sortLikeKustomize } from './legacyOrder.js';
import { ManifestError } from './manifestError.js';
import { fixConfigMapReferences } from './nameReferences.js';
import { imageSchema, setImages } from './setImages.js';
import { objectId, type KubeObject } from './kubeObject.js';

/**
 * Renders a kustomization directory into its objects without kubectl, so the local target runs on a
 * machine with nothing but Node.js. It implements the subset of kustomize v5 that k8s/ uses, exactly
 * (a test compares it with `kubectl kustomize` for every overlay):
 *   resources (files and directories), configMapGenerator and generatorOptions (configMapGenerator.ts),
 *   components, patches (JSON 6902 with a target, inline or from a file), images (newName / newTag /
 *   digest).
 * Anything else is refused in one line rather than rendered wrong. One deliberate difference: a patch
 * whose target matches no object is an error here; kustomize silently ignores it, which hides typos.
 * Order as in kustomize (api/internal/target/kusttarget.go accumulateTarget): resources, then this
 * kustomization's generators, then components, then its patches, then images; and once, for the whole
 * build, at the end: hash suffixes, name references to them, build annotations removed, legacy order.
 * https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/
 */

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
const SUPPORTED_FIELDS =
  'resources, components, patches, images, configMapGenerator, generatorOptions; patch targets by group, version, kind, name, namespace; configMapGenerator entries by name, namespace, behavior, literals, files, envs, env, options; options labels, annotations, disableNameSuffixHash, immutable';

const targetSchema = z.strictObject({
  group: z.string().optional(),
  version: z.string().optional(),
  kind: z.string().optional(),
  name: z.string().optional(),
  namespace: z.string().optional(),
});

const patchSchema = z.strictObject({
  path: z.string().optional(),
  patch: z.string().optional(),
  target: targetSchema.optional(),
});

const kustomizationSchema = z.strictObject({
  apiVersion: z.string().optional(),
  kind: z.enum(['Kustomization', 'Component']).optional(),
  resources: z.array(z.string()).optional(),
  components: z.array(z.string()).optional(),
  patches: z.array(patchSchema).optional(),
  images: z.array(imageSchema).optional(),
  configMapGenerator: z.array(configMapArgsSchema).optional(),
  generatorOptions: generatorOptionsSchema.optional(),
});
type Kustomization = z.infer<typeof kustomizationSchema>;
type Target = z.infer<typeof targetSchema>;

const objectSchema = z.looseObject({
  apiVersion: z.string().min(1),
  kind: z.string().min(1),
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
});

/** The objects `kubectl kustomize dir` would print, in the order it prints them. */
export function renderKustomization(dir: string): KubeObject[] {
  const objects = accumulate(path.resolve(dir), 'Kustomization', [], []);
  // kusttarget.go makeCustomizedResMap: only now, after every patch of every level, the hashes.
  fixConfigMapReferences(objects, addHashSuffixes(objects));
  removeBuildAnnotations(objects);
  return sortLikeKustomize(objects);
}

function accumulate(
  dir: string,
  expected: 'Kustomization' | 'Component',
  inherited: KubeObject[],
  stack: readonly string[],
): KubeObject[] {
  if (stack.includes(dir))
    throw new ManifestError(`${dir}: kustomization cycle (${[...stack, dir].join(' → ')})`);
  const { file, kustomization } = readKustomization(dir);
  const kind = kustomization.kind ?? 'Kustomization';
  if (kind !== expected) throw new ManifestError(`${file}: expected kind ${expected}, found ${kind}`);

  const objects = [...inherited];
  for (const resource of kustomization.resources ?? []) {
    for (const object of loadResource(dir, file, resource, [...stack, dir])) addObject(objects, object, file);
  }
  let result = objects;
  for (const [index, args] of (kustomization.configMapGenerator ?? []).entries()) {
    const where = `${file}: configMapGenerator[${index}]`;
    const generated = generateConfigMap(args, kustomization.generatorOptions, dir, where);
    result = absorbConfigMap(result, generated, where);
  }
  for (const component of kustomization.components ?? []) {
    result = accumulate(localPath(dir, file, component), 'Component', result, [...stack, dir]);
  }
  for (const [index, patch] of (kustomization.patches ?? []).entries()) {
    result = applyPatch(result, patch, dir, `${file}: patches[${index}]`);
  }
  if (kustomization.images) setImages(result, kustomization.images);
  return result;
}

function readKustomization(dir: string): { file: string; kustomization: Kustomization } {
  const found = KUSTOMIZATION_FILES.map((name) => path.join(dir, name)).filter((file) => existsSync(file));
  if (found.length === 0) throw new ManifestError(`${dir}: no kustomization.yaml in this directory`);
  if (found.length > 1)
    throw new ManifestError(`${dir}: more than one kustomization file (${found.join(', ')})`);
  const file = found[0] as string;
  // kustomize reads its kustomization file as YAML 1.1 (sigs.k8s.io/yaml): `y`, `on`, `no` are booleans.
  const documents = parseYamlText(readFileSync(file, 'utf8'), file, '1.1');
  if (documents.length !== 1) throw new ManifestError(`${file}: expected one YAML document`);
  const parsed = kustomizationSchema.safeParse(documents[0]);
  if (!parsed.success) throw new ManifestError(`${file}: ${describeIssue(parsed.error)}`);
  return { file, kustomization: parsed.data };
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'invalid';
  const at = issue.path.join('.');
  if (issue.code === 'unrecognized_keys') {
    const fields = issue.keys.map((key) => (at ? `${at}.${key}` : key)).join(', ');
    return `${fields} is not supported by this renderer (supported: ${SUPPORTED_FIELDS}); use kubectl kustomize for it`;
  }
  return `${at || 'document'}: ${issue.message}`;
}

function loadResource(dir: string, file: string, resource: string, stack: readonly string[]): KubeObject[] {
  const target = localPath(dir, file, resource);
  if (statSync(target).isDirectory()) return accumulate(target, 'Kustomization', [], stack);
  return parseYaml(target)
    .filter((document) => document !== null)
    .map((document, index) => {
      const parsed = objectSchema.safeParse(document);
      if (!parsed.success) {
        throw new ManifestError(`${target}: document ${index + 1}: ${describeIssue(parsed.error)}`);
      }
      if (parsed.data.kind === 'List' || parsed.data.kind.endsWith('List')) {
        throw new ManifestError(`${target}: ${parsed.data.kind} objects are not supported by this renderer`);
      }
      return parsed.data as KubeObject;
    });
}

function localPath(dir: string, file: string, reference: string): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(reference) || reference.startsWith('github.com/')) {
    throw new ManifestError(`${file}: remote reference "${reference}" is not supported by this renderer`);
  }
  const target = path.resolve(dir, reference);
  if (!existsSync(target)) throw new ManifestError(`${file}: "${reference}" does not exist (${target})`);
  return target;
}

function parseYaml(file: string): unknown[] {
  return parseYamlText(readFileSync(file, 'utf8'), file);
}

function parseYamlText(text: string, where: string, version: '1.1' | '1.2' = '1.2'): unknown[] {
  return Array.from(parseAllDocuments(text, { version })).map((document) => {
    const error = document.errors[0];
    if (error) throw new ManifestError(`${where}: invalid YAML: ${error.message.split('\n')[0]}`);
    return document.toJS();
  });
}

function addObject(objects: KubeObject[], object: KubeObject, file: string): void {
  const id = objectId(object);
  if (objects.some((existing) => objectId(existing) === id)) {
    throw new ManifestError(`${file}: ${id} is defined twice`);
  }
  objects.push(object);
}

function applyPatch(
  objects: KubeObject[],
  patch: z.infer<typeof patchSchema>,
  dir: string,
  where: string,
): KubeObject[] {
  if ((patch.patch === undefined) === (patch.path === undefined)) {
    throw new ManifestError(`${where}: give exactly one of "patch" or "path"`);
  }
  const source = patch.patch ?? readFileSync(localPath(dir, where, patch.path as string), 'utf8');
  const documents = parseYamlText(source, where);
  const body: unknown = documents.length === 1 ? documents[0] : undefined;
  if (!Array.isArray(body)) {
    throw new ManifestError(
      `${where}: only JSON 6902 patches (a YAML list of ops) are supported by this renderer, not strategic merge patches`,
    );
  }
  const ops = z.array(jsonPatchOpSchema).safeParse(body);
  if (!ops.success) throw new ManifestError(`${where}: ${describeIssue(ops.error)}`);
  if (!patch.target) throw new ManifestError(`${where}: a JSON 6902 patch needs a target`);

  const matches = objects.filter((object) => matchesTarget(object, patch.target as Target));
  if (matches.length === 0) {
    throw new ManifestError(`${where}: target ${JSON.stringify(patch.target)} matches no object`);
  }
  return objects.map((object) => {
    if (!matches.includes(object)) return object;
    const patched = objectSchema.safeParse(
      applyJsonPatch(object, ops.data, `${where} on ${objectId(object)}`),
    );
    if (!patched.success) {
      throw new ManifestError(
        `${where}: the patched ${objectId(object)} is invalid: ${describeIssue(patched.error)}`,
      );
    }
    return patched.data as KubeObject;
  });
}

/** kustomize matches each given target field as an anchored regular expression. */
function matchesTarget(object: KubeObject, target: Target): boolean {
  const slash = object.apiVersion.indexOf('/');
  const group = slash === -1 ? '' : object.apiVersion.slice(0, slash);
  const version = object.apiVersion.slice(slash + 1);
  const fields: Array<[string | undefined, string]> = [
    [target.group, group],
    [target.version, version],
    [target.kind, object.kind],
    [target.name, object.metadata.name],
    [target.namespace, object.metadata.namespace ?? ''],
  ];
  return fields.every(
    ([pattern, value]) => pattern === undefined || new RegExp(`^(?:${pattern})$`).test(value),
  );
}
