import path from 'node:path';
import { UsageError, type RolloutOptions } from '../cli/rolloutFlags.js';
import { createClusterObserver, createPlanObserver } from '../kind/clusterObserver.js';
import { createCommandRunner, createDryRunner, type CommandRunner } from '../kind/commandRunner.js';
import { dryRunAnswer } from '../kind/dryRunAnswers.js';
import { readKindClusterConfig } from '../kind/kindClusterConfig.js';
import { createKindTarget, createKubeTarget } from '../kind/kindTarget.js';
import { createLocalPlanTarget } from '../local/localPlanTarget.js';
import { createLocalTarget, DEFAULT_SERVICE_ENTRY } from '../local/localTarget.js';
import { k8sDir } from '../manifests/overlays.js';
import { scenarioOverlays } from '../scenarios/scenarioOverlays.js';
import { findScenario } from '../scenarios/scenarios.js';
import type { Target } from './target.js';

export const KIND_CLUSTER_NAME = 'zero-downtime';
/** kube target without --lb-port: where a Service exposed by hand usually answers. */
export const KUBE_DEFAULT_PORT = 8080;
/** k8s/components/node-port: the kube target's Service with --node-port on. */
export const NODE_PORT = 30080;

export interface TargetSetup {
  target: Target;
  /** The overlays rolled from and to. */
  from: string;
  to: string;
  /** The commands it ran (or, in a dry run, would run). */
  runner: CommandRunner | null;
}

/**
 * Makes the target a run asked for. `print` receives its progress lines; with `dryRun` no target acts:
 * kind and kube print each command instead of running it, local says what it would start (the plan).
 */
export function createTarget(
  which: 'local' | 'kind' | 'kube',
  options: RolloutOptions,
  outDir: string,
  print: (line: string) => void,
): TargetSetup {
  const scenario = findScenario(options.scenario);
  if (!scenario) throw new UsageError(`unknown scenario "${options.scenario}"`);
  if (which === 'local') {
    const local = {
      lbPort: options.lbPort,
      propagationLagMs: options.propagationLagMs,
      logDir: path.join(outDir, 'pods'),
    };
    return {
      target: options.dryRun
        ? createLocalPlanTarget({ ...local, serviceEntry: DEFAULT_SERVICE_ENTRY, print })
        : createLocalTarget(local),
      ...scenarioOverlays(scenario, 'plain', outDir),
      runner: null,
    };
  }
  const repoRoot = path.dirname(k8sDir());
  const runner = options.dryRun
    ? createDryRunner(print, dryRunAnswer)
    : createCommandRunner({ cwd: repoRoot });
  const observer = options.dryRun
    ? createPlanObserver(print)
    : createClusterObserver({ answerTimeoutMs: 120_000 });
  const common = {
    image: options.image ?? 'hello',
    outDir,
    repoRoot,
    run: runner,
    observer,
    // In a plan, the target's own progress lines read as comments between the commands.
    log: options.dryRun ? (line: string) => print(`# ${line}`) : print,
  };
  if (which === 'kind') {
    const clusterConfig = readKindClusterConfig(repoRoot);
    return {
      target: createKindTarget({
        ...common,
        clusterName: KIND_CLUSTER_NAME,
        keepCluster: options.keepCluster,
        recreateCluster: options.recreateCluster,
        nodeImage: process.env.NODE_IMAGE || null,
        clusterConfig,
        // --lb-port on kind changes the cluster's port mapping (k8s/kind/cluster.yaml's by default).
        hostPort: options.lbPort || clusterConfig.hostPort,
      }),
      ...scenarioOverlays(scenario, 'kind', outDir),
      runner,
    };
  }
  if (!options.context) {
    throw new UsageError('--target kube needs --context NAME (one of `kubectl config get-contexts`)');
  }
  return {
    target: createKubeTarget({
      ...common,
      context: options.context,
      // Where the Service answers on this machine: --lb-port, else the NodePort with --node-port on.
      serviceUrl: `http://127.0.0.1:${options.lbPort || (options.nodePort ? NODE_PORT : KUBE_DEFAULT_PORT)}`,
    }),
    ...scenarioOverlays(scenario, 'plain', outDir, options.nodePort ? ['node-port'] : []),
    runner,
  };
}
