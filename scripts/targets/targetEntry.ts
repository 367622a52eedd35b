import type { FlagTable } from '../../loadtest/flags/parseFlags.js';
import type { CommandRunner } from '../cluster/commandRunner.js';
import type { Target } from '../target.js';
import type { TargetName, TargetOptions } from '../target.js';

/**
 * One place a rollout can run: everything the CLI, --help, --target auto, the plan and the lint need of it.
 * `Own` is what it reads from its own flags (local: the engine's lag; kube: the context), known only here.
 */
export interface TargetEntry<Own extends object = object> {
  name: TargetName;
  /** One line for --help. */
  summary: string;
  /** Tools it needs on PATH. */
  tools: readonly string[];
  /**
   * Its own rows of demo:rollout's flag table (two targets may share one row: the same object). A row marked
   * with `targets` is refused with any other target, its `why` ending the error; the CLI composes them all.
   */
  flags: FlagTable;
  /** Its own options, read from the parsed values of every flag (it reads only its own rows). */
  readOptions(values: Readonly<Record<string, unknown>>): Own;
  /** The Components (k8s/components/<name>) it adds to every scenario, for these options. */
  components(own: Own): string[];
  /** Every set of Components it can add (the lint renders each scenario with each). */
  componentSets: readonly (readonly string[])[];
  /** For --target auto: can it run here, and why (not). null: auto never picks it. */
  detect: (() => Promise<{ usable: boolean; reason: string }>) | null;
  /**
   * The target, and the command runner it uses (null: it runs no commands). It loads its implementation
   * here, so the registry stays light: the lint reads every entry's Components and loads no target.
   */
  create(
    options: TargetOptions,
    own: Own,
    outDir: string,
    print: (line: string) => void,
  ): Promise<{ target: Target; runner: CommandRunner | null }>;
}
