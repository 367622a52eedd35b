import { z } from 'zod';

/**
 * kustomize's `images:` transformer (kustomize v5.5 behaviour, checked against `kubectl kustomize`):
 * every `image` of an item in a `containers` or `initContainers` list, anywhere in any object, whose
 * name (without tag or digest) equals `name` gets the new name, tag and/or digest.
 * https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/images/
 */
export const imageSchema = z.strictObject({
  name: z.string().min(1),
  newName: z.string().min(1).optional(),
  newTag: z.string().min(1).optional(),
  digest: z.string().min(1).optional(),
});
export type ImageOverride = z.infer<typeof imageSchema>;

/** Rewrites image references in place. */
export function setImages(objects: readonly object[], images: readonly ImageOverride[]): void {
  for (const object of objects) walk(object, images);
}

function walk(node: unknown, images: readonly ImageOverride[]): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, images);
    return;
  }
  if (typeof node !== 'object' || node === null) return;
  for (const [key, value] of Object.entries(node)) {
    if ((key === 'containers' || key === 'initContainers') && Array.isArray(value)) {
      for (const container of value) rewriteContainer(container, images);
    }
    walk(value, images);
  }
}

function rewriteContainer(container: unknown, images: readonly ImageOverride[]): void {
  if (typeof container !== 'object' || container === null) return;
  const holder = container as { image?: unknown };
  if (typeof holder.image !== 'string') return;
  const reference = parseImage(holder.image);
  const override = images.find((image) => image.name === reference.name);
  if (override) holder.image = applyOverride(reference, override);
}

export interface ImageReference {
  name: string;
  /** ':v1', '@sha256:...', ':v1@sha256:...' or ''. */
  suffix: string;
}

/** Splits `registry:5000/repo/name:tag@digest` into the name and what follows it. */
export function parseImage(image: string): ImageReference {
  const at = image.indexOf('@');
  const beforeDigest = at === -1 ? image : image.slice(0, at);
  const colon = beforeDigest.lastIndexOf(':');
  // A colon before the last slash is a registry port, not a tag.
  const end = colon > beforeDigest.lastIndexOf('/') ? colon : beforeDigest.length;
  return { name: image.slice(0, end), suffix: image.slice(end) };
}

function applyOverride(reference: ImageReference, override: ImageOverride): string {
  const name = override.newName ?? reference.name;
  // A new tag drops the old digest; a tag and a digest together give `name:tag@digest`.
  if (override.newTag !== undefined && override.digest !== undefined) {
    return `${name}:${override.newTag}@${override.digest}`;
  }
  if (override.newTag !== undefined) return `${name}:${override.newTag}`;
  if (override.digest !== undefined) return `${name}@${override.digest}`;
  return `${name}${reference.suffix}`;
}
