import { UsageError } from './usageError.js';

/**
 * One row of a command's flag table: how it is written, what it means, and how its value is read. A table is
 * an object of these keyed by flag name; parseFlags reads the command line with it and flagHelp writes the
 * help from it, so a flag is declared once.
 */
export interface Flag<T> {
  /** How the value is written in --help ("N", "on|off", "DIR"); '' for a switch, which takes none. */
  readonly value: string;
  /** What it does, for --help; a newline starts a line of its own. */
  readonly help: string;
  /** What --help adds in parentheses after the text ("default 100, from 1 to 20000"); null: nothing. */
  readonly helpNote: string | null;
  /** When set, leaving the flag out is bad usage; the text says what to give ("one NDJSON line per request"). */
  readonly required?: string;
  /** Only these targets take it; with any other its `why` ends the error. */
  readonly targets?: { readonly names: readonly string[]; readonly why: string };
  /** A switch is given bare (--dry-run); every other flag takes a value. */
  readonly isSwitch?: boolean;
  /** Turns what was given (undefined: absent) into the value, or throws a UsageError naming `--name`. */
  read(given: string | undefined, name: string): T;
}

interface Described {
  help: string;
  /** Overrides the default --help shows (one that depends on another flag, say); null: the help says it. */
  shownDefault?: string | null;
  targets?: Flag<unknown>['targets'];
}

const defaultNote = (shown: string | null) => (shown === null ? null : `default ${shown}`);

const invalid = (name: string, given: string, expected: string) =>
  new UsageError(`Invalid --${name} "${given}": expected ${expected}.`);

export interface NumberRange {
  min: number;
  max: number;
  /** What the value is, as the error says it: "expected <unit> from <min> to <max>". */
  unit: string;
  /** Whole numbers only. */
  whole?: boolean;
}

type NumberOptions = NumberRange & Described & { value?: string };

/** A number within [min, max]. With a default, absent is the default; with `required`, absent is an error. */
export function numberFlag(options: NumberOptions & { default: number }): Flag<number>;
export function numberFlag(options: NumberOptions & { required: string }): Flag<number>;
export function numberFlag(options: NumberOptions): Flag<number | undefined>;
export function numberFlag(
  options: NumberOptions & { default?: number; required?: string },
): Flag<number | undefined> {
  const range = `from ${options.min} to ${options.max}`;
  return {
    value: options.value ?? 'N',
    help: options.help,
    helpNote:
      options.shownDefault !== undefined
        ? defaultNote(options.shownDefault)
        : options.default === undefined
          ? range
          : `default ${options.default}, ${range}`,
    ...(options.required === undefined ? {} : { required: options.required }),
    ...(options.targets ? { targets: options.targets } : {}),
    read(given, name) {
      if (given === undefined) return options.default;
      return readNumber(given, name, options);
    },
  };
}

function readNumber(given: string, name: string, range: NumberRange): number {
  const n = Number(given);
  const wrongKind = range.whole ? !Number.isInteger(n) : !Number.isFinite(n);
  if (given.trim() === '' || wrongKind || n < range.min || n > range.max)
    throw invalid(name, given, `${range.unit} from ${range.min} to ${range.max}`);
  return n;
}

type ChoiceOptions<C extends string> = Described & { choices: readonly C[]; value?: string };

/** One of a fixed list (from a registry, where there is one); the help shows them as a|b|c. */
export function choiceFlag<C extends string>(options: ChoiceOptions<C> & { default: C }): Flag<C>;
export function choiceFlag<C extends string>(options: ChoiceOptions<C>): Flag<C | undefined>;
export function choiceFlag<C extends string>(
  options: ChoiceOptions<C> & { default?: C },
): Flag<C | undefined> {
  return {
    value: options.value ?? options.choices.join('|'),
    help: options.help,
    helpNote: defaultNote(
      options.shownDefault !== undefined ? options.shownDefault : (options.default ?? null),
    ),
    ...(options.targets ? { targets: options.targets } : {}),
    read(given, name) {
      if (given === undefined) return options.default;
      if ((options.choices as readonly string[]).includes(given)) return given as C;
      throw invalid(name, given, options.choices.join(', '));
    },
  };
}

/** on or off, read as true or false. Given as off, it counts as not given (a target's check lets it pass). */
export function onOffFlag(options: Described & { default: boolean }): Flag<boolean> {
  const onOff = choiceFlag({ ...options, choices: ['on', 'off'], default: options.default ? 'on' : 'off' });
  return { ...onOff, read: (given, name) => onOff.read(given, name) === 'on' };
}

/** Given bare (--dry-run): true when given. */
export function switchFlag(options: Described): Flag<boolean> {
  return {
    value: '',
    help: options.help,
    helpNote: null,
    isSwitch: true,
    ...(options.targets ? { targets: options.targets } : {}),
    read: (given) => given !== undefined,
  };
}

type TextOptions<T> = Described & {
  value: string;
  /** Reads the text into the value; an Error it throws becomes the flag's UsageError, its message kept. */
  parse?: (given: string, name: string) => T;
};

/** Free text (a path, a name), or what `parse` makes of it. Absent: the default, else null. */
export function textFlag<T = string>(options: TextOptions<T> & { required: string }): Flag<T>;
export function textFlag<T = string>(options: TextOptions<T> & { default: T }): Flag<T>;
export function textFlag<T = string>(options: TextOptions<T>): Flag<T | null>;
export function textFlag<T>(options: TextOptions<T> & { default?: T; required?: string }): Flag<T | null> {
  return {
    value: options.value,
    help: options.help,
    helpNote: defaultNote(options.shownDefault ?? null),
    ...(options.required === undefined ? {} : { required: options.required }),
    ...(options.targets ? { targets: options.targets } : {}),
    read(given, name) {
      if (given === undefined) return options.default ?? null;
      if (!options.parse) return given as T;
      try {
        return options.parse(given, name);
      } catch (error) {
        if (error instanceof UsageError) throw error;
        throw new UsageError((error as Error).message, { cause: error });
      }
    },
  };
}

/** A comma-separated list ("a,b"), each item read by `item`; absent: null. */
export function listFlag<T>(
  options: Described & { value: string; item: (given: string, name: string) => T },
): Flag<T[] | null> {
  return textFlag({
    ...options,
    parse: (given, name) => {
      const items = given.split(',').filter((item) => item !== '');
      if (items.length === 0) throw invalid(name, given, `a comma-separated list (${options.value})`);
      return items.map((item) => options.item(item, name));
    },
  });
}

/** For listFlag: an item that must be one of `choices` (a row id, say). */
export const oneOf =
  (choices: readonly string[], what = 'one of') =>
  (given: string, name: string): string => {
    if (choices.includes(given)) return given;
    throw invalid(name, given, `${what} ${choices.join(', ')}`);
  };

/** For listFlag: an item that is a number within the range. */
export const numberIn =
  (range: NumberRange) =>
  (given: string, name: string): number =>
    readNumber(given, name, range);
