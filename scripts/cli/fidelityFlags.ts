import path from 'node:path';
import { listFlag, numberFlag, onOffFlag, oneOf, textFlag } from '../../loadtest/flags/flag.js';
import { flagHelp, usageLine } from '../../loadtest/flags/flagHelp.js';
import { parseFlags } from '../../loadtest/flags/parseFlags.js';
import { REPEAT, SECONDS_OF_LOAD } from '../../loadtest/flags/sharedFlags.js';
import { fidelityRows, type FidelityRow } from '../fidelity/fidelityRows.js';

const ROW_IDS = fidelityRows().map((row) => row.id);

/** Every flag `npm run demo:fidelity` takes: parsing and --help read this. */
const FIDELITY_FLAGS = {
  context: textFlag({
    value: 'NAME',
    required: 'the real cluster, e.g. zero-downtime-local',
    help: "the real cluster's kubectl context",
  }),
  repeat: REPEAT,
  only: listFlag({
    value: 'ID,ID',
    item: oneOf(ROW_IDS),
    help: `run just these rows: ${ROW_IDS.join(', ')}`,
  }),
  measure: onOffFlag({ default: true, help: "first measure the cluster's own timings beside the engine's" }),
  warmup: numberFlag({
    ...SECONDS_OF_LOAD,
    default: 5,
    value: 'S',
    help: 'seconds of load before the rollout',
  }),
  cooldown: numberFlag({ ...SECONDS_OF_LOAD, default: 3, value: 'S', help: 'seconds of load after it' }),
  out: textFlag({ value: 'DIR', shownDefault: 'reports/fidelity-<timestamp>', help: 'where the table goes' }),
};

export const FIDELITY_USAGE = `${usageLine('demo:fidelity', FIDELITY_FLAGS)}

Runs every scenario row on the local target and on the real cluster of context NAME (the kube target with
--node-port on: npm run cluster:up makes one), with the same flags, and shows side by side whether they agree.
First it measures the cluster's own timings (endpoint propagation, SIGTERM, SIGKILL) beside the engine's.

${flagHelp(FIDELITY_FLAGS)}

Exit status: 0 every row as expected on both targets, 1 some row was not, 2 bad usage or no cluster.`;

export interface FidelityOptions {
  context: string;
  repeat: number;
  rows: FidelityRow[];
  measure: boolean;
  /** demo:rollout's flags for every run of every row, on both targets. */
  sharedFlags: string[];
  outDir: string;
}

/** The options, or null when --help asks for the usage instead. */
export function parseFidelityFlags(argv: readonly string[]): FidelityOptions | null {
  const flags = parseFlags(FIDELITY_FLAGS, argv);
  if (flags.help) return null;
  return {
    context: flags.context,
    repeat: flags.repeat,
    rows: fidelityRows().filter((row) => flags.only === null || flags.only.includes(row.id)),
    measure: flags.measure,
    // The expectations hold for the built-in generator (k6 retries some failures silently: README).
    sharedFlags: [
      '--load',
      'builtin',
      '--warmup',
      String(flags.warmup),
      '--cooldown',
      String(flags.cooldown),
    ],
    outDir: flags.out ?? path.join('reports', `fidelity-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  };
}
