import { dockerDaemonAnswers, findOnPath } from '../../tools.js';
import type { TargetEntry } from '../targetEntry.js';
import { KIND_FLAGS, readKindOptions, type KindOwnOptions } from './kindFlags.js';

export const KIND_CLUSTER_NAME = 'zero-downtime';
const TOOLS = ['docker', 'kind', 'kubectl'] as const;

/** A kind cluster made (or reused) by the run: k8s/kind/cluster.yaml, images built and loaded. */
export const kindTargetEntry: TargetEntry<KindOwnOptions> = {
  name: 'kind',
  summary: 'a kind cluster it creates or reuses (Docker, kind, kubectl)',
  tools: TOOLS,
  // k8s/components/kind: NodePort 30080 (mapped to the host by k8s/kind/cluster.yaml), loaded images only.
  components: () => ['kind'],
  flags: KIND_FLAGS,
  readOptions: readKindOptions,
  componentSets: [['kind']],
  async detect() {
    const missing = TOOLS.filter((tool) => findOnPath(tool) === null);
    if (missing.length > 0) return { usable: false, reason: `${missing.join(', ')} not found on PATH` };
    if (!(await dockerDaemonAnswers()))
      return {
        usable: false,
        reason: 'docker, kind and kubectl are installed but the Docker daemon does not answer',
      };
    return { usable: true, reason: 'docker, kind and kubectl are installed and the Docker daemon answers' };
  },
  async create(options, own, outDir, print) {
    // Loaded when made, so reading the registry (the lint, --help) loads no cluster client.
    const { clusterPlumbing } = await import('../../cluster/clusterPlumbing.js');
    const { readKindClusterConfig } = await import('./kindClusterConfig.js');
    const { createKindTarget } = await import('./kindTarget.js');
    const common = clusterPlumbing({ dryRun: options.dryRun, image: own.image }, outDir, print);
    const { SAMPLE_APP } = await import('../../app/sampleApp.js');
    const clusterConfig = readKindClusterConfig(common.repoRoot);
    return {
      target: createKindTarget({
        ...common,
        image: own.image,
        app: options.app ?? SAMPLE_APP,
        clusterName: KIND_CLUSTER_NAME,
        keepCluster: own.keepCluster,
        recreateCluster: own.recreateCluster,
        kindNodeImage: own.kindNodeImage || process.env.KIND_NODE_IMAGE || null,
        nodeImage: process.env.NODE_IMAGE || null,
        clusterConfig,
        // --lb-port on kind changes the cluster's port mapping (k8s/kind/cluster.yaml's by default).
        hostPort: options.lbPort || clusterConfig.hostPort,
      }),
      runner: common.run,
    };
  },
};
