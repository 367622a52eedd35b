import type { FlagTable } from '../../loadtest/flags/parseFlags.js';
import type { TargetEntry } from './targetEntry.js';
import { TARGETS } from './targets.js';

/**
 * Every target's own rows, in registry order, each once: demo:rollout's table takes them from here, so a new
 * target's flags reach parsing, --help and the cross-checks without a line in the CLI. A row two targets
 * share is one object (--image); two different rows under one name are a mistake, refused at load.
 */
export function composeTargetFlags(entries: readonly TargetEntry[]): FlagTable {
  const rows: Record<string, FlagTable[string]> = {};
  for (const entry of entries)
    for (const [name, row] of Object.entries(entry.flags)) {
      if (rows[name] && rows[name] !== row)
        throw new Error(`--${name} is declared twice, differently (target ${entry.name})`);
      rows[name] = row;
    }
  return rows;
}

export const TARGET_FLAGS: FlagTable = composeTargetFlags(TARGETS);
