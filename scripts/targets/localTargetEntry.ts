import path from 'node:path';
import { createLocalTarget } from '../local/localTarget.js';
import { TARGET_COMPONENT_SETS } from './targetComponents.js';
import type { TargetEntry } from './targetEntry.js';

/** The embedded engine: the service as processes under the Kubernetes rules; needs nothing but Node.js. */
export const localTargetEntry: TargetEntry = {
  name: 'local',
  summary: 'the embedded engine: the service as processes under the Kubernetes rules',
  tools: [],
  components: () => [],
  componentSets: TARGET_COMPONENT_SETS.local,
  detect: async () => ({ usable: true, reason: 'needs nothing but Node.js' }),
  create: (options, outDir) => ({
    target: createLocalTarget({
      lbPort: options.lbPort,
      propagationLagMs: options.propagationLagMs,
      logDir: path.join(outDir, 'pods'),
    }),
    runner: null,
  }),
};
