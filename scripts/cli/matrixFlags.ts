import path from 'node:path';
import { listFlag, numberFlag, oneOf, textFlag } from '../../loadtest/flags/flag.js';
import { flagHelp, usageLine } from '../../loadtest/flags/flagHelp.js';
import { parseFlags } from '../../loadtest/flags/parseFlags.js';
import { RATE, REPEAT, SECONDS_OF_LOAD } from '../../loadtest/flags/sharedFlags.js';
import { matrixRows, type MatrixRow } from '../matrix/matrixRows.js';

const ROW_IDS = matrixRows().map((row) => row.id);

/** Every flag `npm run demo:matrix` takes: parsing and --help read this. */
const MATRIX_FLAGS = {
  repeat: REPEAT,
  only: listFlag({
    value: 'ID,ID',
    item: oneOf(ROW_IDS),
    help: `run just these rows: ${ROW_IDS.join(', ')}`,
  }),
  skip: listFlag({ value: 'ID,ID', item: oneOf(ROW_IDS), help: 'run all rows but these' }),
  rate: numberFlag({
    ...RATE,
    default: 100,
    help: 'requests per second (rows whose damage is a race that grows with the rate run faster)',
  }),
  warmup: numberFlag({
    ...SECONDS_OF_LOAD,
    default: 3,
    value: 'S',
    help: 'seconds of load before the rollout',
  }),
  cooldown: numberFlag({ ...SECONDS_OF_LOAD, default: 3, value: 'S', help: 'seconds of load after it' }),
  out: textFlag({ value: 'DIR', shownDefault: 'reports/matrix-<timestamp>', help: 'where the matrix goes' }),
};

export const MATRIX_USAGE = `${usageLine('demo:matrix', MATRIX_FLAGS)}

Runs the rollout once per scenario (each removes one protection), with keep-alive on and off (a
configuration change: on), and the hardened manifests under several endpoint propagation lags, and checks
each against what it should show.

${flagHelp(MATRIX_FLAGS)}

Exit status: 0 every row as expected, 1 some row was not, 2 bad usage.`;

export interface MatrixOptions {
  help: boolean;
  repeat: number;
  rows: MatrixRow[];
  /** demo:rollout's flags for every run of every row. */
  sharedFlags: string[];
  outDir: string;
}

export function parseMatrixFlags(argv: readonly string[]): MatrixOptions {
  const flags = parseFlags(MATRIX_FLAGS, argv);
  const skip = flags.skip ?? [];
  const rows = matrixRows(flags.rate)
    .filter((row) => flags.only === null || flags.only.includes(row.id))
    .filter((row) => !skip.includes(row.id));
  return {
    help: flags.help,
    repeat: flags.repeat,
    rows,
    sharedFlags: [
      '--target',
      'local',
      '--warmup',
      String(flags.warmup),
      '--cooldown',
      String(flags.cooldown),
    ],
    outDir: flags.out ?? path.join('reports', `matrix-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  };
}
