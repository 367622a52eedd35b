import fs from 'node:fs';
import path from 'node:path';
import { parseDocument, type Document } from 'yaml';
import { ManifestError } from '../../manifests/manifestError.js';

/** The kind cluster's config, relative to the checkout (commands and plans show it so). */
export const KIND_CONFIG_PATH = path.join('k8s', 'kind', 'cluster.yaml');
/** k8s/components/kind publishes the Service on this NodePort; the cluster config maps it to the host. */
export const KIND_NODE_PORT = 30080;

export interface KindClusterConfig {
  path: string;
  text: string;
  /** Where the NodePort reaches this machine: `listenAddress:hostPort` of its extraPortMappings entry. */
  hostPort: number;
  listenAddress: string;
}

/** Reads k8s/kind/cluster.yaml and the port mapping of the Service's NodePort in it. */
export function readKindClusterConfig(repoRoot: string): KindClusterConfig {
  const file = path.join(repoRoot, KIND_CONFIG_PATH);
  const text = fs.readFileSync(file, 'utf8');
  const mapping = nodePortMapping(parseDocument(text), file);
  return {
    path: KIND_CONFIG_PATH,
    text,
    hostPort: Number(mapping.get('hostPort')),
    listenAddress: String(mapping.get('listenAddress') ?? '0.0.0.0'),
  };
}

/**
 * The node image `npm run kind:node-image` builds offline (cluster/kind-node/build.sh), for machines
 * that cannot pull the pinned kindest/node: tagged with the Kubernetes version of cluster/versions.env.
 */
export function offlineNodeImage(repoRoot: string): string {
  const versions = fs.readFileSync(path.join(repoRoot, 'cluster', 'versions.env'), 'utf8');
  const version = /^KUBERNETES_VERSION=(\S+)$/m.exec(versions)?.[1] ?? '<its Kubernetes version>';
  return `zero-downtime.local/kind-node:${version}`;
}

/**
 * The same config with the NodePort mapped to another host port (`--lb-port` on kind), comments kept.
 * kind reads it from stdin with `--config -` (pkg/cmd/kind/create/cluster/createcluster.go).
 */
export function withHostPort(config: KindClusterConfig, hostPort: number): string {
  const document = parseDocument(config.text);
  nodePortMapping(document, config.path).set('hostPort', hostPort);
  return document.toString();
}

interface YamlMap {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
}

function nodePortMapping(document: Document, file: string): YamlMap {
  const nodes = (document.get('nodes') as { items?: YamlMap[] } | undefined)?.items ?? [];
  for (const node of nodes) {
    const mappings = (node.get('extraPortMappings') as { items?: YamlMap[] } | undefined)?.items ?? [];
    const found = mappings.find((mapping) => Number(mapping.get('containerPort')) === KIND_NODE_PORT);
    if (found) return found;
  }
  throw new ManifestError(`${file} maps no host port for the Service's NodePort ${KIND_NODE_PORT}`);
}
