import type { CommandRunner } from '../cluster/commandRunner.js';
import type { Target } from '../target.js';
import type { TargetName, TargetOptions } from '../target.js';

/** One place a rollout can run: everything the CLI, --help, --target auto, the plan and the lint need of it. */
export interface TargetEntry {
  name: TargetName;
  /** One line for --help. */
  summary: string;
  /** Tools it needs on PATH. */
  tools: readonly string[];
  /** The Components (k8s/components/<name>) it adds to every scenario, for these options. */
  components(options: TargetOptions): string[];
  /** Every set of Components it can add (the lint renders each scenario with each). */
  componentSets: readonly (readonly string[])[];
  /**
   * Flags that go with this target only (each `why` ends the error a user sees when one is given with another
   * target). The CLI's cross-checks derive from these lists.
   */
  ownFlags: readonly { name: string; why: string }[];
  /** For --target auto: can it run here, and why (not). null: auto never picks it. */
  detect: (() => Promise<{ usable: boolean; reason: string }>) | null;
  /** The target, and the command runner it uses (null: it runs no commands). */
  create(
    options: TargetOptions,
    outDir: string,
    print: (line: string) => void,
  ): { target: Target; runner: CommandRunner | null };
}
