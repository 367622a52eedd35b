// `npm run prove`: wiring only. flags → the app's manifests → lint → run (and controls) → report → exit code.
import path from 'node:path';
import { GET_ONLY } from '../loadtest/requestMix.js';
import { createLoad, pickLoad } from './cli/createLoad.js';
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
  const load = pickLoad(options.load);
  const spec = {
    ...options,
    load,
    // A team's app spells its versions its own way: k6 requires none, the harness judges them (versions: []).
    createLoad: (runDir: string) =>
      createLoad(load, { ...options, change: 'code', mix: GET_ONLY, streams: 0, versions: [] }, runDir),
  };
  return runProve(spec, { outDir, output, signal, print });
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    const usage = error instanceof UsageError;
    process.stderr.write(`prove: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(usage ? 2 : 1);
  },
);
