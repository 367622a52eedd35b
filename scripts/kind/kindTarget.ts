import path from 'node:path';
import type { Target } from '../targets/target.js';
import { createClusterTarget, type ClusterObserver } from './clusterTarget.js';
import type { CommandRunner } from './commandRunner.js';
import { buildAndLoadImages, deleteKindCluster, ensureKindCluster, kindContext } from './kindCluster.js';

export interface KindTargetOptions {
  clusterName: string;
  image: string;
  keepCluster: boolean;
  outDir: string;
  repoRoot: string;
  /** Base image build argument for the Dockerfile (NODE_IMAGE), passed through when set. */
  nodeImage: string | null;
  /** k8s/kind/cluster.yaml maps the NodePort to 127.0.0.1:8080. */
  serviceUrl: string;
  run: CommandRunner;
  observer: ClusterObserver;
  log: (line: string) => void;
}

/** kind: create (or reuse) the cluster, build and load both images, then the shared cluster path. */
export function createKindTarget(options: KindTargetOptions): Target {
  const { run, clusterName } = options;
  return createClusterTarget({
    name: 'kind',
    run,
    context: kindContext(clusterName),
    repoRoot: options.repoRoot,
    image: options.image,
    serviceUrl: options.serviceUrl,
    outDir: options.outDir,
    requiredTools: ['docker', 'kind', 'kubectl'],
    observer: options.observer,
    log: options.log,
    async prepare() {
      const config = path.join('k8s', 'kind', 'cluster.yaml');
      const created = await ensureKindCluster(run, clusterName, config);
      options.log(created ? `created kind cluster ${clusterName}` : `reusing kind cluster ${clusterName}`);
      const tags = await buildAndLoadImages(run, {
        image: options.image,
        clusterName,
        nodeImage: options.nodeImage,
        context: '.',
      });
      options.log(`built and loaded ${tags.join(', ')}`);
    },
    async finish() {
      if (options.keepCluster) {
        options.log(
          `kept cluster ${clusterName}: delete it with \`kind delete cluster --name ${clusterName}\``,
        );
      } else {
        await deleteKindCluster(run, clusterName);
        options.log(`deleted kind cluster ${clusterName}`);
      }
    },
  });
}

export interface KubeTargetOptions {
  context: string;
  image: string;
  outDir: string;
  repoRoot: string;
  serviceUrl: string;
  run: CommandRunner;
  observer: ClusterObserver;
  log: (line: string) => void;
}

/** kube: a cluster the user already has; no creation, no image loading (`image` says where they are). */
export function createKubeTarget(options: KubeTargetOptions): Target {
  return createClusterTarget({ name: 'kube', requiredTools: ['kubectl'], ...options });
}
