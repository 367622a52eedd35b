import { objectId, type KubeObject } from '../manifests/kubeObject.js';
import type { Finding } from './finding.js';

/**
 * Checks objects against the Kubernetes API's OpenAPI schemas, with kubernetes-models (one generated
 * validator per built-in kind: kubernetes-models/<group>/<version>/<Kind>). It catches wrong types
 * (`replicas: "three"`), bad enums and missing required fields. It does NOT catch unknown or misspelled
 * fields: the API's schemas do not forbid extra properties (the API server drops or, with
 * `kubectl apply --validate=strict`, rejects them). The lint rules catch the misspellings that matter
 * for a rollout, because they require the fields to be present (a `readinesProbe` is a missing
 * readinessProbe). https://github.com/tommy351/kubernetes-models-ts
 */

interface ModelClass {
  new (data: unknown): { validate(): void };
}

interface SchemaError {
  instancePath?: string;
  message?: string;
}

export async function validateSchema(objects: readonly KubeObject[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const object of objects) findings.push(...(await validateObject(object)));
  return findings;
}

async function validateObject(object: KubeObject): Promise<Finding[]> {
  const id = objectId(object);
  const model = await modelFor(object);
  if (!model) {
    return [
      {
        object: id,
        field: 'kind',
        rule: 'schema',
        message: `no Kubernetes API schema for ${object.apiVersion} ${object.kind} (not a built-in kind, or a misspelled apiVersion or kind)`,
      },
    ];
  }
  const { apiVersion: _apiVersion, kind: _kind, ...data } = object;
  try {
    new model(data).validate();
    return [];
  } catch (error) {
    return schemaFindings(object, error);
  }
}

/** One finding per field, each with what the schema expected there ("must be integer"). */
function schemaFindings(object: KubeObject, error: unknown): Finding[] {
  const id = objectId(object);
  const errors = (error as { errors?: SchemaError[] }).errors;
  if (!Array.isArray(errors) || errors.length === 0) {
    return [
      {
        object: id,
        field: '(object)',
        rule: 'schema',
        message: error instanceof Error ? error.message : String(error),
      },
    ];
  }
  const byField = new Map<string, Set<string>>();
  for (const entry of errors) {
    const field = fieldPath(entry.instancePath ?? '', object);
    const messages = byField.get(field) ?? new Set<string>();
    messages.add(entry.message ?? 'invalid');
    byField.set(field, messages);
  }
  return [...byField].map(([field, messages]) => ({
    object: id,
    field,
    rule: 'schema',
    message: [...messages].join('; '),
  }));
}

/**
 * `/spec/template/spec/containers/0/image` → `spec.template.spec.containers[hello].image`: list items are
 * named by their `name`, as in the lint's findings, when they have one.
 */
function fieldPath(pointer: string, object: KubeObject): string {
  const parts = pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'));
  let path = '';
  let node: unknown = object;
  for (const part of parts) {
    if (Array.isArray(node) && /^\d+$/.test(part)) {
      node = node[Number(part)];
      const name = (node as { name?: unknown } | undefined)?.name;
      path += `[${typeof name === 'string' ? name : part}]`;
      continue;
    }
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[part] : undefined;
    path += path === '' ? part : `.${part}`;
  }
  return path || '(object)';
}

const models = new Map<string, Promise<ModelClass | null>>();

/** The generated model class for the object's apiVersion and kind, or null when there is none. */
function modelFor(object: KubeObject): Promise<ModelClass | null> {
  const key = `${object.apiVersion}/${object.kind}`;
  // Only plain names reach import(): an apiVersion such as `../x` must not walk the file system.
  if (!/^([a-z0-9.-]+\/)?v[a-z0-9]+\/[A-Za-z0-9]+$/.test(key)) return Promise.resolve(null);
  let model = models.get(key);
  if (!model) {
    model = import(`kubernetes-models/${key}`).then(
      (module: Record<string, unknown>) =>
        typeof module[object.kind] === 'function' ? (module[object.kind] as ModelClass) : null,
      () => null,
    );
    models.set(key, model);
  }
  return model;
}
