import path from 'node:path';
import { createLocalPlanTarget } from './localPlanTarget.js';
import { createLocalTarget, DEFAULT_SERVICE_ENTRY } from './localTarget.js';
import { TARGET_COMPONENT_SETS } from '../targetComponents.js';
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
  componentSets: TARGET_COMPONENT_SETS.local,
  detect: async () => ({ usable: true, reason: 'needs nothing but Node.js' }),
  create(options, own, outDir, print) {
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
