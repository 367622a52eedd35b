import path from 'node:path';
import { createClusterObserver, createPlanObserver } from './clusterObserver.js';
import type { ClusterObserver } from './clusterTarget.js';
import { createCommandRunner, createDryRunner, type CommandRunner } from './commandRunner.js';
import { dryRunAnswer } from './dryRunAnswers.js';
import { k8sDir } from '../manifests/overlays.js';

/**
 * What the kind and kube targets share: commands run from the checkout (or, in a dry run, printed as the
 * plan), a pod watch and Service polls (or their descriptions), and progress lines (comments in a plan).
 */
export function clusterPlumbing(
  options: { dryRun: boolean; image: string | null },
  outDir: string,
  print: (line: string) => void,
) {
  const repoRoot = path.dirname(k8sDir());
  const run: CommandRunner = options.dryRun
    ? createDryRunner(print, dryRunAnswer)
    : createCommandRunner({ cwd: repoRoot });
  const observer: ClusterObserver = options.dryRun
    ? createPlanObserver(print)
    : createClusterObserver({ answerTimeoutMs: 120_000 });
  return {
    image: options.image,
    outDir,
    repoRoot,
    run,
    observer,
    log: options.dryRun ? (line: string) => print(`# ${line}`) : print,
  };
}
