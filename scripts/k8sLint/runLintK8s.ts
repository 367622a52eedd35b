import path from 'node:path';
import { k8sDir, listOverlays } from '../manifests/overlays.js';
import { formatFinding } from './finding.js';
import { lintOverlay, type OverlayResult } from './lintOverlay.js';

export const USAGE = `usage: npm run lint:k8s -- [overlay dir ...]
  Renders each kustomize overlay, validates it against the Kubernetes API schemas, and checks the rules
  that keep a rollout lossless and a pod safe. Exit 0: clean. Exit 1: findings. Exit 2: bad usage or an
  overlay that does not render.
  No arguments: every overlay under k8s/overlays. The hardened ones must be clean; the naive ones must
  show their findings (they leave the hardening out on purpose) and do not fail the run.
  Overlays named on the command line: every finding fails, naive or not.`;

type Verdict = 'ok' | 'expected' | 'FAIL';

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
  const dirs = explicit ? [...args] : listOverlays().map((name) => path.join(k8sDir(), 'overlays', name));

  let exitCode = 0;
  const tally: Record<Verdict, number> = { ok: 0, expected: 0, FAIL: 0 };
  for (const dir of dirs) {
    const shown = path.relative(process.cwd(), path.resolve(dir)) || '.';
    let result: OverlayResult;
    try {
      result = await lintOverlay(dir);
    } catch (error) {
      print(`${'FAIL'.padEnd(9)}${shown}: ${error instanceof Error ? error.message : String(error)}`);
      tally.FAIL += 1;
      exitCode = 2;
      continue;
    }
    const { verdict, summary } = judge(result, explicit);
    tally[verdict] += 1;
    if (verdict === 'FAIL') exitCode = Math.max(exitCode, 1);
    print(`${verdict.padEnd(9)}${shown}: ${summary}`);
    // Expected findings are summed up in the verdict line; name the overlay to see each one.
    if (verdict === 'expected') continue;
    for (const finding of [...result.schema, ...result.lint]) print(`  ${formatFinding(finding)}`);
  }
  const parts = [
    `${tally.ok} clean`,
    tally.expected > 0 ? `${tally.expected} naive with their expected findings` : '',
    `${tally.FAIL} failed`,
  ];
  print(`lint:k8s: ${dirs.length} overlay(s): ${parts.filter(Boolean).join(', ')}`);
  return exitCode;
}

function judge(result: OverlayResult, explicit: boolean): { verdict: Verdict; summary: string } {
  const counts = `${result.objects} objects, ${result.schema.length} schema error(s), ${result.lint.length} finding(s)`;
  if (result.schema.length > 0) return { verdict: 'FAIL', summary: counts };
  if (!result.naive || explicit) {
    return result.lint.length === 0
      ? { verdict: 'ok', summary: counts }
      : { verdict: 'FAIL', summary: counts };
  }
  // A naive overlay that passes would make the naive demo show nothing: that is a failure too.
  return result.lint.length > 0
    ? {
        verdict: 'expected',
        summary:
          `${counts} (${[...new Set(result.lint.map((finding) => finding.rule))].join(', ')}), as intended: ` +
          `a naive overlay leaves the hardening out (name it to see each finding)`,
      }
    : {
        verdict: 'FAIL',
        summary: `${counts}, but a naive overlay should show the findings the hardening prevents`,
      };
}
