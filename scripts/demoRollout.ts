// `npm run demo:rollout`: wiring only. flags → target → load → run (or its plan) → report → exit code.
import path from 'node:path';
import { formatMix } from '../loadtest/requestMix.js';
import { createLoad, pickLoad } from './cli/createLoad.js';
import { interruptOnSignals } from './cli/interruptOnSignals.js';
import { createProgressOutput, formatSummary } from './cli/progressOutput.js';
import { parseRolloutFlags, USAGE, type RolloutOptions } from './cli/rolloutFlags.js';
import { UsageError } from './errors.js';
import type { RunSettings } from './model.js';
import { planRollout } from './rollout/planRollout.js';
import { describeChange } from './rollout/rolloutChange.js';
import { runRollout } from './rollout/runRollout.js';
import type { Target } from './target.js';
import { createTarget } from './targets/createTarget.js';
import { pickTarget } from './targets/pickTarget.js';

async function main(argv: string[]): Promise<number> {
  const options = parseRolloutFlags(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const output = createProgressOutput();
  const outDir = options.out ?? path.join('reports', new Date().toISOString().replace(/[:.]/g, '-'));
  const load = pickLoad(options.load, undefined, options.streams > 0);
  const choice =
    options.target === 'auto'
      ? await pickTarget()
      : { target: options.target, reason: 'chosen with --target' };
  const routes = { streams: options.streams > 0, orders: options.mix.post > 0 };
  const steps = { ...options, loadName: load, outDir, routes };
  if (options.dryRun) {
    const print = (line: string) => process.stdout.write(`${line}\n`);
    print(`# target: ${choice.target} (${choice.reason}); load: ${load}`);
    const { target, from, to } = await createTarget(choice.target, options, outDir, print);
    await planRollout({ ...steps, target, from, to, print });
    return 0;
  }
  output.step(`target: ${choice.target} (${choice.reason}); load: ${load}`);
  const { target, from, to } = await createTarget(choice.target, options, outDir, (line) =>
    output.step(line),
  );
  const change = describeChange(options.change, from, to);
  const interrupted = interruptOnSignals((line) => output.note(`\n${line}`));

  const { reports, exitCode } = await runRollout({
    ...steps,
    target,
    from,
    to,
    change,
    createLoad: createLoad(load, options, outDir),
    settings: settingsOf(options, target, from, to),
    output,
    signal: interrupted,
  });
  output.note(`\n${formatSummary(reports.report)}\n`);
  output.note(`report: ${reports.html}\n        ${reports.md}\n        ${reports.json}`);
  for (const reason of reports.report.reasons) output.note(`  - ${reason}`);
  return exitCode;
}

function settingsOf(options: RolloutOptions, target: Target, from: string, to: string): RunSettings {
  return {
    ...target.settings,
    rate: options.rate,
    keepAlive: options.keepAlive,
    ...(options.mix.post > 0 ? { mix: formatMix(options.mix) } : {}),
    ...(options.streams > 0 ? { streams: options.streams } : {}),
    change: options.change,
    warmupMs: options.warmupMs,
    cooldownMs: options.cooldownMs,
    requestTimeoutMs: options.requestTimeoutMs,
    from: path.relative(process.cwd(), from),
    to: path.relative(process.cwd(), to),
  };
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`demo:rollout: ${error.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`demo:rollout: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
