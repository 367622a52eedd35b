import type { KubeObject } from '../manifests/kubeObject.js';
import type { Finding } from './finding.js';
import { RULES } from './rules.js';
import { readWorkload } from './workload.js';

/**
 * The findings of every rule on every Deployment among rendered objects. Other kinds pass through:
 * the Service and PodDisruptionBudget only matter through the Deployment they serve. `foreign`: the
 * Deployments run a team's app (npm run prove), not this repository's service (workload.ts).
 */
export function lintObjects(objects: readonly KubeObject[], options: { foreign?: boolean } = {}): Finding[] {
  return objects
    .filter((object) => object.apiVersion === 'apps/v1' && object.kind === 'Deployment')
    .flatMap((object) => {
      const { workload, problems } = readWorkload(object, objects, options.foreign);
      return [...problems, ...RULES.flatMap((rule) => rule.check(workload))];
    });
}
