import type { CommandRunner } from './commandRunner.js';
import { firstLine, lastLine } from './textLines.js';

/**
 * The kind cluster: reused when one of that name exists (a second run takes seconds, not minutes),
 * created from k8s/kind/cluster.yaml otherwise. kind names the kubectl context `kind-<name>`.
 * https://kind.sigs.k8s.io/docs/user/quick-start/#interacting-with-your-cluster
 */
export function kindContext(clusterName: string): string {
  return `kind-${clusterName}`;
}

/** Resolves true when the cluster was created, false when an existing one is reused. */
export async function ensureKindCluster(
  run: CommandRunner,
  clusterName: string,
  configPath: string,
): Promise<boolean> {
  const listed = await run.run('kind', ['get', 'clusters']);
  if (listed.code !== 0) throw new Error(`kind get clusters failed: ${firstLine(listed.stderr)}`);
  // "No kind clusters found." goes to stderr; stdout holds one name per line.
  if (listed.stdout.split('\n').some((line) => line.trim() === clusterName)) return false;
  const created = await run.run(
    'kind',
    ['create', 'cluster', '--name', clusterName, '--config', configPath, '--wait', '120s'],
    { timeoutMs: 10 * 60_000 },
  );
  if (created.code !== 0) {
    throw new Error(`kind create cluster failed: ${lastLine(created.stderr) || `exit ${created.code}`}`);
  }
  return true;
}

export async function deleteKindCluster(run: CommandRunner, clusterName: string): Promise<void> {
  const deleted = await run.run('kind', ['delete', 'cluster', '--name', clusterName]);
  if (deleted.code !== 0) throw new Error(`kind delete cluster failed: ${firstLine(deleted.stderr)}`);
}

/**
 * Builds `<image>:v1` and `<image>:v2` from the Dockerfile (one build argument picks the version; see
 * scripts/docker/build-images.sh) and loads them into the kind node, where imagePullPolicy Never finds
 * them (k8s/components/kind).
 */
export async function buildAndLoadImages(
  run: CommandRunner,
  options: { image: string; clusterName: string; nodeImage: string | null; context: string },
): Promise<string[]> {
  const tags = [1, 2].map((version) => `${options.image}:v${version}`);
  for (const [index, tag] of tags.entries()) {
    const args = ['build', '--build-arg', `APP_VERSION=${index + 1}`];
    if (options.nodeImage) args.push('--build-arg', `NODE_IMAGE=${options.nodeImage}`);
    args.push('--tag', tag, options.context);
    const built = await run.run('docker', args, { timeoutMs: 20 * 60_000 });
    if (built.code !== 0) {
      throw new Error(`docker build of ${tag} failed: ${lastLine(built.stderr) || `exit ${built.code}`}`);
    }
  }
  const loaded = await run.run('kind', ['load', 'docker-image', ...tags, '--name', options.clusterName], {
    timeoutMs: 10 * 60_000,
  });
  if (loaded.code !== 0) throw new Error(`kind load docker-image failed: ${lastLine(loaded.stderr)}`);
  return tags;
}
