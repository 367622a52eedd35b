import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { firstLine } from '../cluster/textLines.js';
import { UsageError } from '../errors.js';
import type { KubeObject } from '../manifests/kubeObject.js';

/** A team's app as its manifests give it: every object, and the Deployment and Service prove rolls and loads. */
export interface AppManifests {
  /** Everything DIR renders to, as it is: what each generated overlay applies, patched. */
  objects: KubeObject[];
  deployment: KubeObject;
  service: KubeObject;
  /** Which of the Service's ports the load goes to (an index into spec.ports). */
  servicePort: number;
  /** The Deployment's pod labels, as a selector (`app=echo,tier=web`). */
  podSelector: string;
  /** The container whose image prove changes: the pod template's first. */
  container: { name: string; image: string };
}

/** What picks among several objects, from the flags (null: not given). */
export interface AppChoice {
  deployment: string | null;
  service: string | null;
  port: string | null;
}

const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Reads DIR: a kustomization, rendered by `kubectl kustomize` (the real tool: whatever kustomize feature the
 * team uses renders as kubectl applies it), or a folder of plain YAML or JSON files, read in name order.
 */
export function renderAppDir(dir: string): KubeObject[] {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory())
    throw new UsageError(`--app ${dir}: no such folder`);
  if (KUSTOMIZATION_FILES.some((file) => fs.existsSync(path.join(dir, file)))) {
    const rendered = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 });
    if (rendered.error) throw new UsageError(`--app ${dir} is a kustomization and kubectl is not on PATH`);
    if (rendered.status !== 0)
      throw new UsageError(`--app ${dir}: kubectl kustomize failed: ${firstLine(rendered.stderr)}`);
    return parseObjects(rendered.stdout, `${dir} (kubectl kustomize)`);
  }
  const files = fs
    .readdirSync(dir)
    .filter((file) => /\.(ya?ml|json)$/.test(file))
    .sort();
  if (files.length === 0) throw new UsageError(`--app ${dir} holds no kustomization and no .yaml file`);
  return files.flatMap((file) => parseObjects(fs.readFileSync(path.join(dir, file), 'utf8'), file));
}

/** The Deployment and Service to prove, or one plain line (UsageError) saying why there is no such pair. */
export function pickApp(objects: KubeObject[], choice: AppChoice, dir: string): AppManifests {
  const deployment = pickOne(
    objects.filter((o) => o.kind === 'Deployment' && o.apiVersion === 'apps/v1'),
    choice.deployment,
    'Deployment',
    'deployment',
    dir,
  );
  const labels = podLabels(deployment);
  const namespace = deployment.metadata.namespace ?? 'default';
  const services = objects.filter(
    (o) => o.kind === 'Service' && (o.metadata.namespace ?? 'default') === namespace,
  );
  const selecting = services.filter((service) => selects(service, labels));
  const service = choice.service
    ? pickOne(services, choice.service, 'Service', 'service', dir)
    : pickOne(selecting.length > 0 ? selecting : services, null, 'Service', 'service', dir);
  if (!selects(service, labels)) {
    throw new UsageError(
      `Service ${service.metadata.name} selects no pod of Deployment ${deployment.metadata.name} ` +
        `(its selector ${formatLabels(serviceSelector(service))}; the pods carry ${formatLabels(labels)})`,
    );
  }
  const container = firstContainer(deployment);
  return {
    objects,
    deployment,
    service,
    servicePort: portIndex(service, choice.port),
    podSelector: formatLabels(labels),
    container,
  };
}

function pickOne(
  candidates: KubeObject[],
  wanted: string | null,
  kind: string,
  flag: string,
  dir: string,
): KubeObject {
  const names = candidates.map((o) => o.metadata.name);
  if (wanted !== null) {
    const found = candidates.find((o) => o.metadata.name === wanted);
    if (!found)
      throw new UsageError(
        `--${flag} ${wanted}: ${dir} has no ${kind} of that name (${names.length ? `it has ${names.join(', ')}` : `it has none`})`,
      );
    return found;
  }
  if (candidates.length === 0) throw new UsageError(`${dir} holds no ${kind}: prove needs the app's ${kind}`);
  if (candidates.length > 1)
    throw new UsageError(
      `${dir} holds ${candidates.length} ${kind}s (${names.join(', ')}): pick one with --${flag} NAME`,
    );
  return candidates[0]!;
}

type Labels = Record<string, string>;

function podLabels(deployment: KubeObject): Labels {
  const template = (deployment.spec as { template?: { metadata?: { labels?: Labels } } } | undefined)
    ?.template;
  return template?.metadata?.labels ?? {};
}

function serviceSelector(service: KubeObject): Labels {
  return (service.spec as { selector?: Labels } | undefined)?.selector ?? {};
}

/** A Service with no selector selects nothing by itself (its endpoints are someone else's). */
function selects(service: KubeObject, labels: Labels): boolean {
  const selector = Object.entries(serviceSelector(service));
  return selector.length > 0 && selector.every(([key, value]) => labels[key] === value);
}

function formatLabels(labels: Labels): string {
  const text = Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(',');
  return text || '(none)';
}

function firstContainer(deployment: KubeObject): { name: string; image: string } {
  const spec = deployment.spec as
    { template?: { spec?: { containers?: Array<{ name?: string; image?: string }> } } } | undefined;
  const container = spec?.template?.spec?.containers?.[0];
  if (!container?.name || !container.image)
    throw new UsageError(`Deployment ${deployment.metadata.name} has no container with a name and an image`);
  return { name: container.name, image: container.image };
}

function portIndex(service: KubeObject, wanted: string | null): number {
  const ports =
    (service.spec as { ports?: Array<{ name?: string; port?: number }> } | undefined)?.ports ?? [];
  if (ports.length === 0) throw new UsageError(`Service ${service.metadata.name} has no ports`);
  if (wanted === null) return 0;
  const index = ports.findIndex((port) => port.name === wanted || String(port.port) === wanted);
  if (index < 0) {
    const known = ports.map((port) => (port.name ? `${port.name} (${port.port})` : String(port.port)));
    throw new UsageError(`--port ${wanted}: Service ${service.metadata.name} has ports ${known.join(', ')}`);
  }
  return index;
}

function parseObjects(text: string, source: string): KubeObject[] {
  const objects: KubeObject[] = [];
  for (const document of parseAllDocuments(text)) {
    if (document.errors.length > 0)
      throw new UsageError(`${source}: not valid YAML (${document.errors[0]!.message.split('\n')[0]})`);
    const value = document.toJSON() as unknown;
    if (value === null || value === undefined) continue;
    const object = value as Partial<KubeObject>;
    if (typeof object.kind !== 'string' || typeof object.apiVersion !== 'string' || !object.metadata?.name)
      throw new UsageError(`${source}: a document without apiVersion, kind and metadata.name`);
    if (object.kind === 'List') throw new UsageError(`${source}: a List; give the objects one per document`);
    objects.push(object as KubeObject);
  }
  return objects;
}
