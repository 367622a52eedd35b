import type { KubeObject } from '../manifests/kubeObject.js';
import type { Finding } from './finding.js';
import { RULES } from './rules.js';
import { readWorkload } from './workload.js';

/**
 * The findings of every rule on every Deployment among rendered objects. Other kinds pass through:
 * the Service and PodDisruptionBudget only matter through the Deployment they serve.
 */
export function lintObjects(objects: readonly KubeObject[]): Finding[] {
  return objects
    .filter((object) => object.apiVersion === 'apps/v1' && object.kind === 'Deployment')
    .flatMap((object) => {
      const { workload, problems } = readWorkload(object, objects);
      return [...problems, ...RULES.flatMap((rule) => rule.check(workload))];
    });
}
