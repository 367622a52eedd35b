import path from 'node:path';
import { UsageError } from '../../errors.js';
import type { TargetEntry } from '../targetEntry.js';
import { LOCAL_FLAGS, readLocalOptions, type LocalOwnOptions } from './localFlags.js';

/** The embedded engine: the service as processes under the Kubernetes rules; needs nothing but Node.js. */
export const localTargetEntry: TargetEntry<LocalOwnOptions> = {
  name: 'local',
  summary: 'the embedded engine: the service as processes under the Kubernetes rules',
  tools: [],
  flags: LOCAL_FLAGS,
  readOptions: readLocalOptions,
  components: () => [],
  componentSets: [[]],
  detect: async () => ({ usable: true, reason: 'needs nothing but Node.js' }),
  async create(options, own, outDir, print) {
    if (options.app) throw new UsageError('the local target runs the sample only: use --target kube or kind');
    // Loaded when made, so reading the registry (the lint, --help) loads no engine.
    const { createLocalTarget, DEFAULT_SERVICE_ENTRY } = await import('./localTarget.js');
    const { createLocalPlanTarget } = await import('./localPlanTarget.js');
    const local = {
      lbPort: options.lbPort,
      propagationLagMs: own.propagationLagMs,
      kubeletSyncMs: own.kubeletSyncMs,
      logDir: path.join(outDir, 'pods'),
    };
    return {
      // A plan runs no commands and starts nothing: it says what the engine would start, from the manifests.
      target: options.dryRun
        ? createLocalPlanTarget({ ...local, serviceEntry: DEFAULT_SERVICE_ENTRY, print })
        : createLocalTarget(local),
      runner: null,
    };
  },
};
