// `npm run demo:matrix`: wiring only. flags → rows → one demo:rollout per row and repeat → table and files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { numberFlag, RATE_FLAG } from '../loadtest/flags/numberFlag.js';
import { wholeNumberFlag } from './cli/wholeNumberFlag.js';
import { matrixRows } from './matrix/matrixRows.js';
import { matrixHtml, matrixMarkdown, matrixTable, summarizeMatrix } from './matrix/renderMatrix.js';
import { runMatrix } from './matrix/runMatrix.js';

const USAGE = `Usage: npm run demo:matrix -- [--repeat N] [--only ID,ID] [--skip ID,ID] [--rate N] [--warmup S] [--cooldown S] [--out DIR]

Runs the rollout once per scenario (each removes one protection), with keep-alive on and off (a
configuration change: on), and the hardened manifests under several endpoint propagation lags, and checks
each against what it should show. --only runs just the rows named, --skip all but those.
Exit status: 0 every row as expected, 1 some row was not, 2 bad usage.`;

function parseFlags(argv: string[]) {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      repeat: { type: 'string' },
      only: { type: 'string' },
      skip: { type: 'string' },
      rate: { type: 'string' },
      warmup: { type: 'string' },
      cooldown: { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const count = (name: string, fallback: number, max: number) =>
    wholeNumberFlag(name, values[name as keyof typeof values] as string | undefined, fallback, max);
  const rows = matrixRows(numberFlag(RATE_FLAG, values.rate, (message) => new UsageError(message)));
  const only = values.only?.split(',').filter(Boolean);
  const skip = values.skip?.split(',').filter(Boolean) ?? [];
  const unknown = [...(only ?? []), ...skip].filter((id) => !rows.some((row) => row.id === id));
  if (unknown.length)
    throw new UsageError(`Unknown row "${unknown[0]}": expected one of ${rows.map((r) => r.id).join(', ')}.`);
  return {
    help: values.help === true,
    repeat: count('repeat', 1, 100),
    rows: (only ? rows.filter((row) => only.includes(row.id)) : rows).filter((row) => !skip.includes(row.id)),
    sharedFlags: [
      '--target',
      'local',
      '--warmup',
      String(count('warmup', 3, 600)),
      '--cooldown',
      String(count('cooldown', 3, 600)),
    ],
    outDir: values.out ?? path.join('reports', `matrix-${new Date().toISOString().replace(/[:.]/g, '-')}`),
  };
}

async function main(argv: string[]): Promise<number> {
  const flags = parseFlags(argv);
  if (flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  const demoEntry = path.join(path.dirname(fileURLToPath(import.meta.url)), 'demoRollout.js');
  const started = performance.now();
  process.stdout.write(
    `${flags.rows.length} rows × ${flags.repeat} run(s), about 25 s each, on the local target with the built-in load generator\n`,
  );
  const results = await runMatrix({
    rows: flags.rows,
    repeat: flags.repeat,
    outDir: flags.outDir,
    demoEntry,
    sharedFlags: flags.sharedFlags,
    signal: interrupt.signal,
    onRunDone: (row, run, index, total) => {
      const elapsed = ((performance.now() - started) / 1000).toFixed(0);
      const errors = Object.entries(run.byError)
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ');
      process.stdout.write(
        `[${String(index).padStart(3)}/${total}, ${elapsed}s] ${row.id}: ${run.failed} of ${run.total} failed` +
          `${errors ? ` (${errors})` : ''}, verdict ${run.verdict} — ${run.asExpected ? 'as expected' : 'UNEXPECTED'}\n`,
      );
    },
  });
  const summary = summarizeMatrix(results, flags.repeat, {
    cores: os.cpus().length,
    node: process.version,
    platform: `${os.platform()} ${os.arch()}`,
  });
  fs.mkdirSync(flags.outDir, { recursive: true });
  fs.writeFileSync(path.join(flags.outDir, 'matrix.json'), `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(path.join(flags.outDir, 'matrix.md'), matrixMarkdown(summary));
  fs.writeFileSync(path.join(flags.outDir, 'matrix.html'), matrixHtml(summary, flags.outDir));
  process.stdout.write(`\n${matrixTable(summary)}\n\nmatrix: ${path.join(flags.outDir, 'matrix.html')}\n`);
  if (interrupt.signal.aborted) return 130;
  return summary.allAsExpected ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage =
      error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`demo:matrix: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(usage ? 2 : 1);
  },
);
