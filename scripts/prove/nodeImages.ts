import type { CommandRunner } from '../cluster/commandRunner.js';
import { firstLine } from '../cluster/textLines.js';

/** The kubelet's default nodeStatusMaxImages: a node status that lists this many may leave images out. */
export const NODE_STATUS_MAX_IMAGES = 50;

/**
 * The images among `images` that no node of the cluster has, as the nodes report them (node status lists
 * the images each kubelet holds: https://kubernetes.io/docs/reference/node/node-status/#images). A pod of
 * such an image waits for a pull; where nothing can be pulled the rollout would only stall after its
 * progress deadline, so prove asks first. `undetermined`: a node lists as many images as a status holds, so
 * one missing from it may be there all the same.
 */
export async function imagesMissingFromNodes(
  run: CommandRunner,
  context: string,
  images: readonly string[],
): Promise<{ missing: string[]; undetermined: boolean }> {
  const listed = await run.run('kubectl', ['--context', context, 'get', 'nodes', '-o', 'json'], {
    timeoutMs: 60_000,
  });
  if (listed.code !== 0)
    throw new Error(`kubectl get nodes failed: ${firstLine(listed.stderr) || `exit ${listed.code}`}`);
  if (run.dryRun) return { missing: [], undetermined: false };
  const nodes = (JSON.parse(listed.stdout) as NodeList).items ?? [];
  const lists = nodes.map((node) => node.status?.images ?? []);
  const present = new Set(lists.flat().flatMap((image) => image.names ?? []));
  const missing = images.filter((image) => !present.has(fullReference(image)) && !present.has(image));
  return { missing, undetermined: lists.some((list) => list.length >= NODE_STATUS_MAX_IMAGES) };
}

interface NodeList {
  items?: Array<{ status?: { images?: Array<{ names?: string[] }> } }>;
}

/** The images among `images` that the local Docker does not have (for kind, which loads them from there). */
export async function imagesMissingFromDocker(
  run: CommandRunner,
  images: readonly string[],
): Promise<string[]> {
  const missing: string[] = [];
  for (const image of images) {
    const inspected = await run.run('docker', ['image', 'inspect', '--format', '{{.Id}}', image], {
      timeoutMs: 30_000,
    });
    if (inspected.code !== 0 && !run.dryRun) missing.push(image);
  }
  return missing;
}

/**
 * An image reference as a container runtime names it: `echo:v1` is `docker.io/library/echo:v1`,
 * `team/echo:v1` is `docker.io/team/echo:v1`; one whose first part names a host (a dot, a port, localhost)
 * stays as it is. https://github.com/distribution/reference/blob/main/normalize.go
 */
export function fullReference(image: string): string {
  const [first, ...rest] = image.split('/');
  const namesHost =
    rest.length > 0 && (first!.includes('.') || first!.includes(':') || first === 'localhost');
  if (namesHost) return image;
  const named = rest.length === 0 ? `library/${image}` : image;
  return `docker.io/${named}${/[:@]/.test(image.split('/').pop()!) ? '' : ':latest'}`;
}
