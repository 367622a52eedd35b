// `npm run demo:fidelity`: wiring only. flags → cluster timings → every row on local and on the cluster → files.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from './errors.js';
import { FIDELITY_USAGE, parseFidelityFlags, type FidelityOptions } from './cli/fidelityFlags.js';
import { measureCluster, type ClusterTimings } from './fidelity/measureCluster.js';
import {
  fidelityHtml,
  fidelityMarkdown,
  fidelityTable,
  summarizeFidelity,
} from './fidelity/renderFidelity.js';
import { runFidelity } from './fidelity/runFidelity.js';
import { createCommandRunner } from './cluster/commandRunner.js';
import { DEFAULT_PROPAGATION_LAG_S } from './targets/local/measuredDefaults.js';
import { scenarioOverlays } from './scenarios/scenarioOverlays.js';
import { findScenario } from './scenarios/scenarios.js';
import { NODE_PORT } from './targets/kube/kubeTargetEntry.js';

/** Server version and container runtime of the cluster; a cluster that does not answer is exit 2. */
function clusterVersions(context: string): { kubernetes: string; containerd: string } {
  try {
    const version = JSON.parse(
      execFileSync('kubectl', ['--context', context, 'version', '-o', 'json'], { stdio: 'pipe' }).toString(),
    ) as { serverVersion?: { gitVersion?: string } };
    const runtime = execFileSync(
      'kubectl',
      [
        '--context',
        context,
        'get',
        'nodes',
        '-o',
        'jsonpath={.items[0].status.nodeInfo.containerRuntimeVersion}',
      ],
      { stdio: 'pipe' },
    ).toString();
    return { kubernetes: version.serverVersion?.gitVersion ?? 'unknown', containerd: runtime || 'unknown' };
  } catch (error) {
    throw new UsageError(
      `no cluster answers on context ${context}: run npm run cluster:up and export the KUBECONFIG it prints`,
      { cause: error },
    );
  }
}

/** The cluster's own timings beside the engine's, printed as they come. */
async function measureTimings(
  flags: FidelityOptions,
  repoRoot: string,
  print: (line: string) => void,
): Promise<ClusterTimings> {
  const overlay = (scenario: string) =>
    scenarioOverlays(findScenario(scenario)!, 'code', ['node-port'], path.join(flags.outDir, 'measure')).from;
  const timings = await measureCluster({
    context: flags.context,
    run: createCommandRunner({ cwd: repoRoot }),
    hardened: overlay('hardened'),
    shortGrace: overlay('short-grace'),
    serviceUrl: `http://127.0.0.1:${NODE_PORT}`,
    engine: { propagationLagMs: DEFAULT_PROPAGATION_LAG_S * 1000 },
    log: print,
  });
  for (const row of timings.rows) print(`  ${row.name}: ${row.measured} (local engine: ${row.engine})`);
  return timings;
}

async function main(argv: string[]): Promise<number> {
  const flags = parseFidelityFlags(argv);
  if (!flags) {
    process.stdout.write(`${FIDELITY_USAGE}\n`);
    return 0;
  }
  const versions = clusterVersions(flags.context);
  const interrupt = new AbortController();
  process.once('SIGINT', () => interrupt.abort());
  const print = (line: string) => process.stdout.write(`${line}\n`);
  const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
  fs.mkdirSync(flags.outDir, { recursive: true });

  const timings = flags.measure ? await measureTimings(flags, repoRoot, print) : null;

  const started = performance.now();
  print(`${flags.rows.length} rows × 2 targets × ${flags.repeat} run(s), 30–90 s each`);
  const results = await runFidelity({
    rows: flags.rows,
    repeat: flags.repeat,
    outDir: flags.outDir,
    demoEntry: path.join(path.dirname(fileURLToPath(import.meta.url)), 'demoRollout.js'),
    sharedFlags: flags.sharedFlags,
    targetFlags: {
      local: ['--target', 'local'],
      kube: ['--target', 'kube', '--context', flags.context, '--node-port', 'on'],
    },
    signal: interrupt.signal,
    onRunDone: (row, target, run, index, total) => {
      const elapsed = ((performance.now() - started) / 1000).toFixed(0);
      const errors = Object.entries(run.byError)
        .map(([kind, n]) => `${kind} ×${n}`)
        .join(', ');
      print(
        `[${String(index).padStart(3)}/${total}, ${elapsed}s] ${row.id} on ${target}: ${run.failed} of ${run.total} failed` +
          `${errors ? ` (${errors})` : ''}, verdict ${run.verdict} — ${run.asExpected ? 'as expected' : 'UNEXPECTED'}`,
      );
    },
  });
  const summary = summarizeFidelity(
    results,
    flags.repeat,
    {
      cores: os.cpus().length,
      node: process.version,
      platform: `${os.platform()} ${os.arch()}`,
      ...versions,
    },
    timings,
  );
  fs.writeFileSync(path.join(flags.outDir, 'fidelity.json'), `${JSON.stringify(summary, null, 2)}\n`);
  fs.writeFileSync(path.join(flags.outDir, 'fidelity.md'), fidelityMarkdown(summary));
  fs.writeFileSync(path.join(flags.outDir, 'fidelity.html'), fidelityHtml(summary, flags.outDir));
  print(`\n${fidelityTable(summary)}\n\nfidelity: ${path.join(flags.outDir, 'fidelity.html')}`);
  if (interrupt.signal.aborted) return 130;
  return summary.allAsExpected ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`demo:fidelity: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
