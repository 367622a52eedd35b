import type { Finding } from './finding.js';
import type { Workload } from './workload.js';

/** A lint rule: a stable id (what findings and tests name) and a check of one Deployment. */
export interface Rule {
  id: string;
  check(workload: Workload): Finding[];
}
