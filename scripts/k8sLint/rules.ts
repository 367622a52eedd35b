import type { Rule } from './rule.js';
import {
  dropCapabilities,
  imageTag,
  noPrivilegeEscalation,
  readOnlyRootFilesystem,
  resources,
  runAsNonRoot,
} from './rules/containerSafety.js';
import { configMapName } from './rules/configuration.js';
import { demoFault } from './rules/demoFault.js';
import { livenessProbe, probeTiming, readinessProbe } from './rules/probes.js';
import { maxUnavailable } from './rules/rollout.js';
import { drain, terminationGracePeriod } from './rules/shutdown.js';

/** Every rule, in the order findings are listed: rollout safety first, then pod safety. */
export const RULES: readonly Rule[] = [
  readinessProbe,
  livenessProbe,
  maxUnavailable,
  drain,
  demoFault,
  configMapName,
  terminationGracePeriod,
  probeTiming,
  imageTag,
  runAsNonRoot,
  readOnlyRootFilesystem,
  dropCapabilities,
  noPrivilegeEscalation,
  resources,
];
