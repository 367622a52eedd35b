import type { Rule } from '../rule.js';
import { record } from '../workload.js';

/**
 * FAULT switches on one of the service's test-only faults (service/demoFaults.ts): a release broken on
 * purpose, which the demo's fault scenarios deploy to show what each protection is for. It has no place
 * in a real deployment, whatever its value, so any FAULT in any container is a finding. The rule reads the
 * manifest only: the lint never asks the service which values exist.
 */
export const demoFault: Rule = {
  id: 'demo-fault',
  check({ containers, foreign, finding }) {
    // A team's app may use FAULT for a meaning of its own.
    if (foreign) return [];
    return containers.flatMap(({ field, spec }) =>
      (Array.isArray(spec.env) ? spec.env : [])
        .map(record)
        .filter((variable) => variable.name === 'FAULT')
        .map((variable) =>
          finding(
            `${field}.env[FAULT]`,
            'demo-fault',
            `${typeof variable.value === 'string' ? `FAULT=${variable.value}` : 'FAULT'} switches on a test-only ` +
              'fault of the demo (a release broken on purpose, see service/demoFaults.ts): never set it in a real deployment',
          ),
        ),
    );
  },
};
