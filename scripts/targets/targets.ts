import { kindTargetEntry } from './kind/kindTargetEntry.js';
import { kubeTargetEntry } from './kube/kubeTargetEntry.js';
import { localTargetEntry } from './local/localTargetEntry.js';
import type { TargetEntry } from './targetEntry.js';
import type { TargetName } from '../target.js';

/**
 * Every target, in the order --target auto tries them (the first whose detect says it can run here). The
 * CLI's --target choices, --help, its flags and cross-checks, auto and the lint's compositions all come from
 * this list: a new target is one folder (targets/<name>/: its entry, implementation, flag rows and the
 * Components it adds), one line here, and its Component under k8s/components/ if it adds one.
 */
export const TARGETS: readonly TargetEntry[] = [kindTargetEntry, localTargetEntry, kubeTargetEntry];

export const TARGET_NAMES: readonly TargetName[] = TARGETS.map((entry) => entry.name);

export function findTarget(name: TargetName): TargetEntry {
  const entry = TARGETS.find((candidate) => candidate.name === name);
  if (!entry) throw new Error(`no target named ${name}`);
  return entry;
}
