import { spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RunReport } from '../../scripts/report/runReport.js';
import { benchRoot } from './benchResult.js';
import { summarizeProfile, type ProfileSummary } from '../cpuProfileSummary.js';
import { sampleTreeCpu } from './processTreeCpu.js';

export interface CliRolloutOptions {
  rate: number;
  keepAlive: boolean;
  warmupS: number;
  cooldownS: number;
  outDir: string;
  /** Run the harness under --cpu-prof and summarise where its main thread spent its time. */
  profile: boolean;
}

/**
 * `node dist/scripts/demoRollout.js --target local ...` exactly as a user runs it (the same code
 * path), its output to <outDir>/cli.log; resolves with its exit code, report.json and, when asked,
 * the harness's CPU profile summary.
 */
export async function cliRollout(o: CliRolloutOptions): Promise<{
  exitCode: number | null;
  report: RunReport;
  profile: ProfileSummary | null;
  /** CPU by process role over the run, in % of one core (pods, balancer, generator, harness). */
  cpuByRole: Record<string, number>;
  log: string;
}> {
  const profDir = path.join(o.outDir, 'profile');
  const args = [
    ...(o.profile ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    path.join(benchRoot, 'dist/scripts/demoRollout.js'),
    ...['--target', 'local', '--load', 'builtin', '--rate', String(o.rate)],
    ...[
      '--keep-alive',
      o.keepAlive ? 'on' : 'off',
      '--warmup',
      String(o.warmupS),
      '--cooldown',
      String(o.cooldownS),
    ],
    ...['--out', o.outDir],
  ];
  const log = path.join(o.outDir, 'cli.log');
  mkdirSync(o.outDir, { recursive: true });
  const out = createWriteStream(log);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const cpu = sampleTreeCpu(child.pid!);
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  const limitMs = (o.warmupS + o.cooldownS + 180) * 1000;
  const timer = setTimeout(() => child.kill('SIGINT'), limitMs);
  const exitCode = await new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  clearTimeout(timer);
  const cpuByRole = cpu.stop();
  const report = JSON.parse(readFileSync(path.join(o.outDir, 'report.json'), 'utf8')) as RunReport;
  let profile: ProfileSummary | null = null;
  if (o.profile) {
    const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'));
    if (file) profile = summarizeProfile(JSON.parse(readFileSync(path.join(profDir, file), 'utf8')), 10);
  }
  return { exitCode, report, profile, cpuByRole, log };
}
