import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ManifestError } from './manifestError.js';

/**
 * Where the manifests are (k8s/README.md):
 *   base/                     the Deployment, Service and PodDisruptionBudget, hardened
 *   overlays/v1, overlays/v2  the two versions, the only overlays (users `kubectl apply -k` them)
 *   scenarios/<name>/         kustomize Components a scenario adds (each removes one protection, or breaks v2)
 *   components/<name>/        kustomize Components a target adds (kind: its NodePort and loaded images)
 *   changes/<name>/           kustomize Components a configuration change adds (a new greeting)
 * A run composes them: overlays/vN + the scenario's components + the target's (scripts/scenarios/scenarioOverlays.ts).
 */

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

/** k8s/overlays/v1 or v2. */
export function overlayDir(version: 1 | 2, root: string = k8sDir()): string {
  return path.join(root, 'overlays', `v${version}`);
}

/** A target's Component: k8s/components/<name>. */
export function targetComponentDir(name: string, root: string = k8sDir()): string {
  return path.join(root, 'components', name);
}

/** A change's Component (a new configuration): k8s/changes/<name>. */
export function changeComponentDir(name: string, root: string = k8sDir()): string {
  return path.join(root, 'changes', name);
}

/** A scenario's Component: k8s/scenarios/<name>. */
export function scenarioComponentDir(name: string, root: string = k8sDir()): string {
  return path.join(root, 'scenarios', name);
}
