import { switchFlag } from '../../loadtest/flags/flag.js';
import { flagHelp, usageLine } from '../../loadtest/flags/flagHelp.js';
import { parseFlags, type FlagTable, type FlagValues } from '../../loadtest/flags/parseFlags.js';
import { UsageError } from '../../loadtest/flags/usageError.js';

/** --quick: what every benchmark takes (and most take nothing else). */
export const QUICK = switchFlag({
  help: 'a brief run, written to its .quick.json, numbers not asserted (CI: keeps the benchmark code working)',
});

/**
 * A benchmark's flags, read with the parser every command shares. --help prints the usage and exits 0; bad
 * usage is one plain line and exit 2, as for every other command.
 */
export function parseBenchFlags<T extends FlagTable>(
  bench: string,
  table: T,
  argv: readonly string[],
  /** The usage line, where `npm run <bench>` is not how it is run. */
  usage = usageLine(bench, table),
): FlagValues<T> {
  try {
    const flags = parseFlags(table, argv) as FlagValues<T> & { help: boolean };
    if (!flags.help) return flags;
    console.log(`${usage}\n\n${flagHelp(table)}`);
    process.exit(0);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`${bench}: ${error.message}`);
    process.exit(2);
  }
}
