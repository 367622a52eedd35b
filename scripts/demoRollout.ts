// `npm run demo:rollout`: wiring only. flags → target → load → run → report → exit code.
import path from 'node:path';
import { createOpenModelGenerator } from '../loadtest/openModelGenerator.js';
import { createProgressOutput, formatSummary } from './cli/progressOutput.js';
import { parseRolloutFlags, USAGE, UsageError, type RolloutOptions } from './cli/rolloutFlags.js';
import { runRollout } from './cli/runRollout.js';
import { createLocalTarget } from './local/localTarget.js';
import { overlayDir } from './manifests/overlays.js';
import { pickTarget } from './targets/pickTarget.js';

async function main(argv: string[]): Promise<number> {
  const options = parseRolloutFlags(argv);
  if (options.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const output = createProgressOutput();
  const choice =
    options.target === 'auto'
      ? await pickTarget()
      : { target: options.target, reason: 'chosen with --target' };
  output.step(`target: ${choice.target} (${choice.reason})`);
  if (choice.target !== 'local') {
    throw new UsageError(
      `the ${choice.target} target is not available in this version yet; use --target local`,
    );
  }
  if (options.load === 'k6')
    throw new UsageError('--load k6 is not available in this version yet; use --load builtin');

  const outDir = options.out ?? path.join('reports', new Date().toISOString().replace(/[:.]/g, '-'));
  const target = createLocalTarget({
    lbPort: options.lbPort,
    propagationLagMs: options.propagationLagMs,
    logDir: path.join(outDir, 'pods'),
  });
  const interrupt = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => interrupt.abort());

  const { reports, exitCode } = await runRollout({
    target,
    scenario: options.scenario,
    from: overlayDir(options.scenario, 1),
    to: overlayDir(options.scenario, 2),
    createLoad: (baseUrl) => (options.load === 'none' ? null : builtinLoad(baseUrl, options)),
    loadName: options.load === 'none' ? 'none' : 'builtin',
    rate: options.rate,
    keepAlive: options.keepAlive,
    warmupMs: options.warmupMs,
    cooldownMs: options.cooldownMs,
    outDir,
    settings: settingsOf(options),
    output,
    signal: interrupt.signal,
  });
  output.note(`\n${formatSummary(reports.report)}\n`);
  output.note(`report: ${reports.html}\n        ${reports.md}\n        ${reports.json}`);
  for (const reason of reports.report.reasons) output.note(`  - ${reason}`);
  return exitCode;
}

function builtinLoad(baseUrl: string, options: RolloutOptions) {
  // Bounded in time and count whatever happens: the rollout's own deadline is far shorter.
  const maxDurationMs = options.warmupMs + options.cooldownMs + 15 * 60_000;
  return createOpenModelGenerator({
    baseUrl,
    rate: options.rate,
    keepAlive: options.keepAlive,
    timeoutMs: options.requestTimeoutMs,
    maxDurationMs,
    maxRequests: Math.ceil((options.rate * maxDurationMs) / 1000),
  });
}

function settingsOf(options: RolloutOptions): Record<string, string | number | boolean> {
  return {
    rate: options.rate,
    keepAlive: options.keepAlive,
    propagationLagMs: options.propagationLagMs,
    warmupMs: options.warmupMs,
    cooldownMs: options.cooldownMs,
    requestTimeoutMs: options.requestTimeoutMs,
    from: path.relative(process.cwd(), overlayDir(options.scenario, 1)),
    to: path.relative(process.cwd(), overlayDir(options.scenario, 2)),
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
