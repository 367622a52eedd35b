import { renderKustomization } from '../manifests/renderKustomization.js';
import type { Finding } from './finding.js';
import { lintObjects } from './lintObjects.js';
import { validateSchema } from './validateSchema.js';

export interface OverlayResult {
  dir: string;
  objects: number;
  /** Stage 1: the Kubernetes API schemas. Any finding here is an error, in every overlay. */
  schema: Finding[];
  /** Stage 2: the rules that keep a rollout lossless and a pod safe. */
  lint: Finding[];
}

/** Renders an overlay (the same renderer the local target uses) and checks what comes out. */
export async function lintOverlay(dir: string): Promise<OverlayResult> {
  const objects = renderKustomization(dir);
  return {
    dir,
    objects: objects.length,
    schema: await validateSchema(objects),
    lint: lintObjects(objects),
  };
}
