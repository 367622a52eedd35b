import { resolveRollingUpdate } from '../../manifests/rollingUpdate.js';
import type { Rule } from '../rule.js';

/**
 * maxUnavailable must resolve to 0 (a percentage of replicas rounds DOWN, so 25% of 3 is 0): then an old
 * pod goes only once a new one is available and capacity never dips during a rollout.
 * A PodDisruptionBudget is deliberately NOT accepted instead: Deployments "are not limited by PDBs when
 * doing rolling upgrades" (https://kubernetes.io/docs/concepts/workloads/pods/disruptions/), so a PDB
 * protects against node drains, never against the rollout itself.
 */
export const maxUnavailable: Rule = {
  id: 'max-unavailable',
  check({ settings, finding }) {
    if (!settings) return [];
    let resolved: number;
    try {
      resolved = resolveRollingUpdate(
        settings.replicas,
        settings.maxSurge,
        settings.maxUnavailable,
      ).maxUnavailable;
    } catch (error) {
      return [finding(FIELD, 'max-unavailable', error instanceof Error ? error.message : String(error))];
    }
    if (resolved === 0) return [];
    return [
      finding(
        FIELD,
        'max-unavailable',
        `${JSON.stringify(settings.maxUnavailable)} of ${settings.replicas} replicas lets ${resolved} pod(s) go before ` +
          'their replacements are available, so capacity drops during every rollout (a PodDisruptionBudget does not ' +
          'limit rollouts); use 0 with maxSurge ≥ 1',
      ),
    ];
  },
};

const FIELD = 'spec.strategy.rollingUpdate.maxUnavailable';
