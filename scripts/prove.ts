// `npm run prove`: wiring only. flags → the app's manifests → lint → run (and controls) → report → exit code.
import path from 'node:path';
import { interruptOnSignals } from './cli/interruptOnSignals.js';
import { createProgressOutput } from './cli/progressOutput.js';
import { parseProveFlags, PROVE_USAGE } from './cli/proveFlags.js';
import { UsageError } from './errors.js';
import { runProve } from './prove/runProve.js';

async function main(argv: string[]): Promise<number> {
  const options = parseProveFlags(argv);
  if (!options) {
    process.stdout.write(`${PROVE_USAGE}\n`);
    return 0;
  }
  const output = createProgressOutput();
  const outDir =
    options.out ?? path.join('reports', `prove-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const signal = options.dryRun
    ? new AbortController().signal
    : interruptOnSignals((line) => output.note(`\n${line}`));
  return runProve(options, { outDir, output, signal, print });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`prove: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(usage ? 2 : 1);
  },
);
