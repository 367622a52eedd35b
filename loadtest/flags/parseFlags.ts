import { parseArgs } from 'node:util';
import type { Flag } from './flag.js';
import { UsageError } from './usageError.js';

/** A command's flags, keyed by name (`--keep-alive` is 'keep-alive'). Every command also takes -h, --help. */
export type FlagTable = Readonly<Record<string, Flag<unknown>>>;

/** What each flag of a table was read as. */
export type FlagValues<T extends FlagTable> = {
  -readonly [K in keyof T]: T[K] extends Flag<infer V> ? V : never;
};

type RequiredName<T extends FlagTable> = {
  [K in keyof T]: T[K] extends { required: string } ? K : never;
}[keyof T];

/**
 * With --help a required flag may be absent, so a table with required flags gives the values only when help
 * was not asked for; a table without any gives them always.
 */
export type ParsedFlags<T extends FlagTable> = [RequiredName<T>] extends [never]
  ? FlagValues<T> & { help: boolean }
  : { help: true } | (FlagValues<T> & { help: false });

/**
 * Reads `argv` with `table`: an unknown flag, a missing or bad value, a required flag left out are each a
 * UsageError of one line. Every value given is checked, --help or not (so `--help --rate lots` says so).
 */
export function parseFlags<T extends FlagTable>(table: T, argv: readonly string[]): ParsedFlags<T> {
  const given = readArgs(table, argv);
  const help = given.help === true;
  const values: Record<string, unknown> = { help };
  for (const [name, flag] of Object.entries(table)) {
    const raw = given[name];
    const text = typeof raw === 'boolean' ? (raw ? '' : undefined) : raw;
    if (text === undefined && flag.required !== undefined) {
      if (help) continue;
      throw new UsageError(
        `--${[name, flag.value].join(' ').trim()} is required (${flag.required}). See --help.`,
      );
    }
    values[name] = flag.read(text, name);
  }
  return values as ParsedFlags<T>;
}

function readArgs(table: FlagTable, argv: readonly string[]): Record<string, string | boolean | undefined> {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  };
  for (const [name, flag] of Object.entries(table))
    options[name] = { type: flag.isSwitch ? 'boolean' : 'string' };
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    // parseArgs explains itself well ("Unknown option '--rat'"); keep its first sentence only.
    throw new UsageError(`${String((error as Error).message).split('. ')[0]}. See --help.`, { cause: error });
  }
}

/**
 * The cross-check a flag's `targets` implies: given (not absent, null, false or off) while none of the
 * targets the run may use takes it, it is bad usage. `reachable`: the target named, or every one `auto`
 * might pick.
 */
export function refuseFlagsOfOtherTargets(
  table: FlagTable,
  values: Readonly<Record<string, unknown>>,
  reachable: readonly string[],
): void {
  for (const [name, flag] of Object.entries(table)) {
    const value = values[name];
    if (!flag.targets || value === undefined || value === null || value === false) continue;
    if (flag.targets.names.some((target) => reachable.includes(target))) continue;
    throw new UsageError(
      `--${name} goes with --target ${flag.targets.names.join(' or ')} (${flag.targets.why}).`,
    );
  }
}

/**
 * The values of `table`'s own rows out of a larger table's parse (a target's rows out of demo:rollout's), typed
 * by its rows: what a part of a command reads of its own flags.
 */
export function valuesOf<T extends FlagTable>(
  table: T,
  values: Readonly<Record<string, unknown>>,
): FlagValues<T> {
  return Object.fromEntries(Object.keys(table).map((name) => [name, values[name]])) as FlagValues<T>;
}
