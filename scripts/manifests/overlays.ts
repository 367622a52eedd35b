import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManifestError } from './manifestError.js';

/**
 * Where the manifests are, and which overlay each rollout applies. Layout (k8s/README.md):
 *   overlays/v1, v2                  hardened, the ones users `kubectl apply -k`
 *   overlays/naive-v1, naive-v2      the same versions without the hardening (components/naive)
 *   overlays/kind-<any of the above> the same on a kind cluster (components/kind: NodePort 30080)
 */
export type Scenario = 'hardened' | 'naive';
export type ManifestFlavour = 'plain' | 'kind';

/** The repository's k8s/ directory, found upwards from this file (works from source and from dist/). */
export function k8sDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, 'k8s');
    if (existsSync(path.join(candidate, 'base', 'kustomization.yaml'))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir)
      throw new ManifestError('cannot find the k8s/ directory above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** Names of every overlay under k8s/overlays, sorted. */
export function listOverlays(root: string = k8sDir()): string[] {
  return readdirSync(path.join(root, 'overlays'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
}

/** The overlay directory a scenario deploys for one version: ('naive', 2, 'kind') → k8s/overlays/kind-naive-v2. */
export function overlayDir(
  scenario: Scenario,
  version: 1 | 2,
  flavour: ManifestFlavour = 'plain',
  root: string = k8sDir(),
): string {
  const name = [flavour === 'kind' ? 'kind' : '', scenario === 'naive' ? 'naive' : '', `v${version}`]
    .filter(Boolean)
    .join('-');
  return path.join(root, 'overlays', name);
}
