import { UsageError } from '../../errors.js';
import type { TargetEntry } from '../targetEntry.js';
import { KUBE_FLAGS, readKubeOptions, type KubeOwnOptions } from './kubeFlags.js';

/** kube target without --lb-port or --node-port: where a Service exposed by hand usually answers. */
export const KUBE_DEFAULT_PORT = 8080;
/** k8s/components/node-port: the kube target's Service with --node-port on. */
export const NODE_PORT = 30080;

/** Any cluster the user already has (--context), or the real one `npm run cluster:up` makes. */
export const kubeTargetEntry: TargetEntry<KubeOwnOptions> = {
  name: 'kube',
  summary: 'a cluster you already have (--context NAME; npm run cluster:up makes a real one here)',
  tools: ['kubectl'],
  flags: KUBE_FLAGS,
  readOptions: readKubeOptions,
  components: (own) => (own.nodePort ? ['node-port'] : []),
  // With --node-port on: NodePort 30080 on a cluster whose kube-proxy serves it on 127.0.0.1.
  componentSets: [[], ['node-port']],
  // Never picked by --target auto: which cluster to use is the user's to say.
  detect: null,
  async create(options, own, outDir, print) {
    if (!own.context) {
      throw new UsageError('--target kube needs --context NAME (one of `kubectl config get-contexts`)');
    }
    // Loaded when made, so reading the registry (the lint, --help) loads no cluster client.
    const { clusterPlumbing } = await import('../../cluster/clusterPlumbing.js');
    const { createKubeTarget } = await import('./kubeTarget.js');
    const { SAMPLE_APP } = await import('../../app/sampleApp.js');
    const app = options.app ?? SAMPLE_APP;
    // --image renames the sample's image; a team's app is applied with the images its manifests name.
    const image = app === SAMPLE_APP ? own.image : null;
    const common = clusterPlumbing({ dryRun: options.dryRun, image }, outDir, print);
    return {
      target: createKubeTarget({
        ...common,
        app,
        context: own.context,
        // Where the Service answers on this machine: --lb-port, else the NodePort with --node-port on.
        serviceUrl: `http://127.0.0.1:${options.lbPort || (own.nodePort ? NODE_PORT : KUBE_DEFAULT_PORT)}`,
      }),
      runner: common.run,
    };
  },
};
