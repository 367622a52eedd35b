import type { AppUnderTest } from '../../app/appUnderTest.js';
import type { Target } from '../../target.js';
import { createClusterTarget, type ClusterObserver } from '../../cluster/clusterTarget.js';
import type { CommandRunner } from '../../cluster/commandRunner.js';

export interface KubeTargetOptions {
  app: AppUnderTest;
  context: string;
  image: string | null;
  outDir: string;
  repoRoot: string;
  serviceUrl: string;
  run: CommandRunner;
  observer: ClusterObserver;
  log: (line: string) => void;
}

/** kube: a cluster the user already has; no creation, no image loading (the images must be there). */
export function createKubeTarget(options: KubeTargetOptions): Target {
  return createClusterTarget({ name: 'kube', requiredTools: ['kubectl'], ...options });
}
