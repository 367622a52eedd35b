// `npm run demo:matrix`: wiring only. flags → rows → one demo:rollout per row and repeat → table and files.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MATRIX_USAGE, parseMatrixFlags } from './cli/matrixFlags.js';
import { UsageError } from './errors.js';
import { matrixHtml, matrixMarkdown, matrixTable, summarizeMatrix } from './matrix/renderMatrix.js';
import { runMatrix } from './matrix/runMatrix.js';

async function main(argv: string[]): Promise<number> {
  const flags = parseMatrixFlags(argv);
  if (flags.help) {
    process.stdout.write(`${MATRIX_USAGE}\n`);
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
    process.stderr.write(`demo:matrix: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
