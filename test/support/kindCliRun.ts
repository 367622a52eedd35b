import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_ROLLOUT, startCli, tempDir } from './runCli.js';

/** The stand-in docker, kind, kubectl and k6 (test/support/standins, not compiled). */
export const STANDINS = fileURLToPath(new URL('../../../test/support/standins', import.meta.url));

export interface RecordedCall {
  tool: string;
  argv: string[];
  env: Record<string, string>;
  /** What the harness wrote to the stand-in's stdin, where the stand-in reads it (kind's `--config -`). */
  input?: string;
}

export interface KindCliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Every docker/kind/kubectl call, in order. */
  calls: RecordedCall[];
  outDir: string;
}

/**
 * Runs `demo:rollout` (compiled) with `pathDirs` first on PATH (the stand-ins by default) and the
 * node binary's folder after them, recording the stand-ins' calls in a fresh STANDIN_LOG.
 */
export async function runKindCli(
  args: string[],
  options: { env?: Record<string, string>; pathDirs?: string[]; timeoutMs?: number } = {},
): Promise<KindCliResult> {
  const work = tempDir('kind-cli-');
  const log = path.join(work, 'standin.log');
  const outDir = path.join(work, 'report');
  const PATH = [...(options.pathDirs ?? [STANDINS]), path.dirname(process.execPath), '/usr/bin', '/bin'].join(
    path.delimiter,
  );
  const run = startCli(DEMO_ROLLOUT, [...args, '--out', outDir], {
    PATH,
    HOME: work,
    KUBECONFIG: path.join(work, 'no-kubeconfig'),
    STANDIN_LOG: log,
    ...options.env,
  });
  // A bound on a hang, sized for a cold machine: a dozen stand-in processes start one after another.
  const timer = setTimeout(() => run.child.kill('SIGKILL'), options.timeoutMs ?? 150_000);
  const code = await run.exited;
  clearTimeout(timer);
  const calls = fs.existsSync(log)
    ? fs
        .readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as RecordedCall)
    : [];
  return { code, stdout: run.stdout(), stderr: run.stderr(), calls, outDir };
}

/** `tool arg arg ...` per call, for asserting a command sequence in one readable array. */
export function commandLines(calls: readonly RecordedCall[]): string[] {
  return calls.map((call) => [call.tool, ...call.argv].join(' '));
}

/** A folder holding only some of the stand-ins (to play "kind is not installed"). */
export function standinsWithout(missing: string): string {
  const dir = tempDir('standins-');
  for (const name of fs.readdirSync(STANDINS)) {
    if (name !== missing) fs.symlinkSync(path.join(STANDINS, name), path.join(dir, name));
  }
  return dir;
}
