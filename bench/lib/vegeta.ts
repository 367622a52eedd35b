import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { benchRoot, round } from './benchResult.js';
import type { GeneratorStep } from './generatorStep.js';
import { processCpuMs } from './processCpu.js';
import { projectCacheDir } from '../../scripts/tools.js';

/**
 * vegeta (github.com/tsenart/vegeta, MIT): the open-model, constant-rate Go load tool, the generator
 * benchmark's peer. Built from its Go module through bench/peers/vegeta/go.mod (a `tool` directive
 * pins the version; go.sum pins the hashes) into the bench's own cache, never into the repo.
 */
export const benchCache = path.join(projectCacheDir(), 'bench');
export const vegetaBin = path.join(benchCache, 'bin/vegeta');
const vegetaModule = path.join(benchRoot, 'bench/peers/vegeta');

/** The vegeta binary, built first if it is missing (about 10 s with a warm Go module cache). */
export function ensureVegeta(log: (line: string) => void = console.log): string {
  if (existsSync(vegetaBin)) return vegetaBin;
  log(`vegeta: building from its Go module (bench/peers/vegeta/go.mod) into ${path.dirname(vegetaBin)} ...`);
  const t0 = performance.now();
  const go = spawnSync('go', ['install', 'tool'], {
    cwd: vegetaModule,
    env: { ...process.env, GOBIN: path.dirname(vegetaBin), GOFLAGS: '-mod=readonly' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (go.error) throw new Error(`vegeta: cannot run go (${go.error.message}): install Go ≥ 1.24`);
  if (go.status !== 0 || !existsSync(vegetaBin)) throw new Error(`vegeta: go install failed (${go.status})`);
  log(`vegeta: built in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return vegetaBin;
}

export interface VegetaReport {
  requests: number;
  duration: number;
  wait: number;
  status_codes: Record<string, number>;
  errors: string[];
  latencies: { '50th': number; '99th': number };
}

/**
 * One constant-rate vegeta attack, `rate` requests/s for `seconds`, keep-alive on, judged as the
 * project's generator is: every scheduled request sent, none failed, answered at ≥ minAccuracy ×
 * rate over wall time (vegeta's duration + wait: from the first send to the last answer).
 */
export async function runVegetaStep(
  url: string,
  rate: number,
  seconds: number,
  minAccuracy = 0.99,
): Promise<GeneratorStep> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-vegeta-'));
  try {
    const targets = path.join(dir, 'targets.txt');
    const results = path.join(dir, 'results.bin');
    writeFileSync(targets, `GET ${url}\n`);
    const args = ['attack', `-rate=${rate}/1s`, `-duration=${seconds}s`, '-timeout=5s', '-keepalive=true'];
    const attack = spawn(vegetaBin, [...args, `-targets=${targets}`, `-output=${results}`], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    attack.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-1000)));
    let cpuMs: number | null = null;
    const poll = setInterval(() => (cpuMs = processCpuMs(attack.pid!) ?? cpuMs), 100);
    const bound = setTimeout(() => attack.kill('SIGKILL'), (seconds + 15) * 1000);
    const wall0 = performance.now();
    const code = await new Promise<number | null>((resolve) => attack.once('exit', resolve));
    const wallMs = performance.now() - wall0;
    clearInterval(poll);
    clearTimeout(bound);
    if (code !== 0) throw new Error(`vegeta attack exited ${code}: ${stderr.trim()}`);
    const report = spawnSync(vegetaBin, ['report', '-type=json', results], { encoding: 'utf8' });
    if (report.status !== 0) throw new Error(`vegeta report failed: ${report.stderr.trim()}`);
    return judgeVegeta(JSON.parse(report.stdout) as VegetaReport, rate, seconds, minAccuracy, {
      cpuMs,
      wallMs,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function judgeVegeta(
  r: VegetaReport,
  rate: number,
  seconds: number,
  minAccuracy: number,
  cpu: { cpuMs: number | null; wallMs: number },
): GeneratorStep {
  const scheduled = Math.ceil(rate * seconds);
  const ok = r.status_codes['200'] ?? 0;
  const byError: Record<string, number> = {};
  for (const [status, n] of Object.entries(r.status_codes))
    if (status !== '200') byError[status === '0' ? 'error' : `http_${status}`] = n;
  const errors = r.requests - ok;
  // duration: first to last send; wait: last send to its answer (ns).
  const achievedRate = (ok * 1e9) / (r.duration + r.wait);
  const reasons: string[] = [];
  // vegeta does not catch up: a pacer that falls behind sends fewer requests than scheduled.
  if (r.requests < minAccuracy * scheduled) reasons.push(`sent ${r.requests} of ${scheduled}`);
  if (errors > 0) reasons.push(`${errors} errors (${r.errors.slice(0, 2).join('; ')})`);
  if (achievedRate < minAccuracy * rate) reasons.push(`answered ${achievedRate.toFixed(0)} rps`);
  return {
    targetRate: rate,
    scheduled,
    recorded: r.requests,
    ok,
    errors,
    byError,
    achievedRate: round(achievedRate),
    accuracy: round(achievedRate / rate, 4),
    // vegeta's report has no send lag: its pacer does not record how late each hit went out.
    sendLagP50Ms: Number.NaN,
    sendLagP99Ms: Number.NaN,
    p50Ms: round(r.latencies['50th'] / 1e6, 2),
    p99Ms: round(r.latencies['99th'] / 1e6, 2),
    generatorCpuPct: cpu.cpuMs === null ? -1 : Math.round((cpu.cpuMs / cpu.wallMs) * 100),
    sustained: reasons.length === 0,
    reason: reasons.length === 0 ? null : reasons.join(', '),
  };
}
