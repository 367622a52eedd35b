import { configuredGreeting } from '../manifests/configuredGreeting.js';
import { deploymentSettings } from '../manifests/deploymentSettings.js';
import { renderKustomization } from '../manifests/renderKustomization.js';
import type { RolloutChange } from '../model.js';
import type { Change } from '../scenarios/scenarios.js';

/**
 * What rolling from one overlay to the other changes, read from the manifests themselves (the project's
 * renderer, the same for every target): the configuration on each side, and how long old pods may still
 * answer after the rollout completes.
 */
export function describeChange(kind: Change, from: string, to: string): RolloutChange {
  const fromObjects = renderKustomization(from);
  const toObjects = renderKustomization(to);
  const before = deploymentSettings(fromObjects);
  return {
    kind,
    configFrom: configuredGreeting(fromObjects),
    configTo: configuredGreeting(toObjects),
    templateChanges: before.templateHash !== deploymentSettings(toObjects).templateHash,
    settleMs: before.terminationGracePeriodSeconds * 1000,
  };
}
