import { UsageError } from '../errors.js';
import type { CommandRunner } from '../cluster/commandRunner.js';
import { scenarioOverlays } from '../scenarios/scenarioOverlays.js';
import { findScenario } from '../scenarios/scenarios.js';
import type { Target } from '../target.js';
import type { TargetName, TargetOptions } from '../target.js';
import { findTarget } from './targets.js';

export interface TargetSetup {
  target: Target;
  /** The overlays rolled from and to: the scenario's Components and the target's on k8s/overlays/v1, v2. */
  from: string;
  to: string;
  /** The commands it ran (or, in a dry run, would run); null for a target that runs none. */
  runner: CommandRunner | null;
}

/**
 * Makes the target a run asked for, from the registry (targets.ts), with its own options read from
 * `options.targetFlags` (the parsed values of every flag). `print` receives its progress lines;
 * with `dryRun` no target acts: kind and kube print each command instead of running it, local says what it
 * would start (the plan).
 */
export async function createTarget(
  which: TargetName,
  options: TargetOptions & { targetFlags: Readonly<Record<string, unknown>> },
  outDir: string,
  print: (line: string) => void,
): Promise<TargetSetup> {
  const scenario = findScenario(options.scenario);
  if (!scenario) throw new UsageError(`unknown scenario "${options.scenario}"`);
  const { target, runner, components } = await createBareTarget(which, options, outDir, print);
  return { target, runner, ...scenarioOverlays(scenario, options.change, components, outDir) };
}

/**
 * The target alone, and the Components it adds to what it applies (k8s/components/<name>), for a caller
 * that makes its own overlays (npm run prove: a team's manifests).
 */
export async function createBareTarget(
  which: TargetName,
  options: TargetOptions & { targetFlags: Readonly<Record<string, unknown>> },
  outDir: string,
  print: (line: string) => void,
): Promise<Omit<TargetSetup, 'from' | 'to'> & { components: string[] }> {
  const entry = findTarget(which);
  // The target reads its own options from its own flags; the contract (TargetOptions) knows none of them.
  const own = entry.readOptions(options.targetFlags);
  const { target, runner } = await entry.create(options, own, outDir, print);
  return { target, runner, components: entry.components(own) };
}
