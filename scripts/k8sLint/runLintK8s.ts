import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scenarioOverlays } from '../scenarios/scenarioOverlays.js';
import { keepsEveryProtection, SCENARIOS } from '../scenarios/scenarios.js';
import { TARGETS } from '../targets/targets.js';
import { formatFinding } from './finding.js';
import { lintOverlay, type OverlayResult } from './lintOverlay.js';

export const USAGE = `usage: npm run lint:k8s -- [overlay dir ...]
  Renders each kustomize overlay, validates it against the Kubernetes API schemas, and checks the rules
  that keep a rollout lossless and a pod safe. Exit 0: clean. Exit 1: findings. Exit 2: bad usage or an
  overlay that does not render.
  No arguments: what the runs apply, every scenario on every target's Components (k8s/overlays/v1 and v2,
  plus k8s/scenarios/<scenario>, plus k8s/components/<target's>). The hardened ones must be clean; a scenario
  that removes a protection must show findings (it leaves the hardening out on purpose) and does not fail the
  run; a broken v2 release is shown with whatever it has.
  Overlays named on the command line: every finding fails.`;

/** What a composition should show: nothing, some findings, or whatever it has (a broken v2). */
type Expectation = 'clean' | 'findings' | 'any';

interface Composition {
  dir: string;
  shown: string;
  expect: Expectation;
}

/** Every scenario × every set of target Components × both versions, generated under a temporary folder. */
function compositions(workDir: string): Composition[] {
  const sets = new Map<string, readonly string[]>();
  for (const list of TARGETS.map((target) => target.componentSets))
    for (const set of list) sets.set(set.join('+'), set);
  const found: Composition[] = [];
  for (const scenario of SCENARIOS) {
    for (const [key, components] of sets) {
      const { from, to } = scenarioOverlays(scenario, scenario.change, components, workDir);
      for (const [version, dir] of [[1, from] as const, [2, to] as const]) {
        const expect: Expectation =
          keepsEveryProtection(scenario) || (scenario.protection === 'fault' && version === 1)
            ? 'clean'
            : scenario.protection === 'fault'
              ? 'any'
              : 'findings';
        found.push({ dir, shown: `${scenario.name} v${version}${key ? ` + ${key}` : ''}`, expect });
      }
    }
  }
  return found;
}

type Outcome = 'ok' | 'expected' | 'FAIL';

/** The lint:k8s command: writes plain lines to `print` and returns the exit code. */
export async function runLintK8s(args: readonly string[], print: (line: string) => void): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    print(USAGE);
    return 0;
  }
  const option = args.find((arg) => arg.startsWith('-'));
  if (option) {
    print(`lint:k8s: unknown option ${option} (try --help)`);
    return 2;
  }
  const explicit = args.length > 0;
  const workDir = explicit ? null : fs.mkdtempSync(path.join(os.tmpdir(), 'lint-k8s-'));
  const dirs: Composition[] = workDir
    ? compositions(workDir)
    : args.map((dir) => ({
        dir,
        shown: path.relative(process.cwd(), path.resolve(dir)) || '.',
        expect: 'clean',
      }));
  try {
    return await lintAll(dirs, print);
  } finally {
    if (workDir) fs.rmSync(workDir, { recursive: true, force: true });
  }
}

async function lintAll(dirs: Composition[], print: (line: string) => void): Promise<number> {
  let exitCode = 0;
  const tally: Record<Outcome, number> = { ok: 0, expected: 0, FAIL: 0 };
  for (const { dir, shown, expect } of dirs) {
    let result: OverlayResult;
    try {
      result = await lintOverlay(dir);
    } catch (error) {
      print(`${'FAIL'.padEnd(9)}${shown}: ${error instanceof Error ? error.message : String(error)}`);
      tally.FAIL += 1;
      exitCode = 2;
      continue;
    }
    const { outcome, summary } = judge(result, expect);
    tally[outcome] += 1;
    if (outcome === 'FAIL') exitCode = Math.max(exitCode, 1);
    print(`${outcome.padEnd(9)}${shown}: ${summary}`);
    // Expected findings are summed up in the tally line; name the overlay to see each one.
    if (outcome === 'expected') continue;
    for (const finding of [...result.schema, ...result.lint]) print(`  ${formatFinding(finding)}`);
  }
  const parts = [
    `${tally.ok} clean`,
    tally.expected > 0 ? `${tally.expected} with the findings their scenario means to show` : '',
    `${tally.FAIL} failed`,
  ];
  print(`lint:k8s: ${dirs.length} composition(s): ${parts.filter(Boolean).join(', ')}`);
  return exitCode;
}

function judge(result: OverlayResult, expect: Expectation): { outcome: Outcome; summary: string } {
  const counts = `${result.objects} objects, ${result.schema.length} schema error(s), ${result.lint.length} finding(s)`;
  if (result.schema.length > 0) return { outcome: 'FAIL', summary: counts };
  const rules = [...new Set(result.lint.map((finding) => finding.rule))].join(', ');
  if (expect === 'clean') return { outcome: result.lint.length === 0 ? 'ok' : 'FAIL', summary: counts };
  if (result.lint.length > 0) {
    return {
      outcome: 'expected',
      summary: `${counts} (${rules}), as intended: the scenario leaves a protection out or breaks v2`,
    };
  }
  // A scenario that removes a protection the lint cannot see would let that mistake through unnoticed.
  return expect === 'any'
    ? { outcome: 'ok', summary: counts }
    : { outcome: 'FAIL', summary: `${counts}, but this scenario removes a protection the lint should find` };
}
