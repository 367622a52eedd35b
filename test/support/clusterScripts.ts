import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { startProcess, type CliRun } from './runCli.js';

// The real cluster's scripts (cluster/scripts/*.sh) and what they leave on the host, for test-cluster.

const SCRIPTS = path.resolve(import.meta.dirname, '../../../cluster/scripts');
export const CONTEXT = process.env.ZDR_CONTEXT ?? 'zero-downtime-local';
export const STATE = process.env.ZDR_CLUSTER_STATE ?? '/var/lib/zero-downtime-rollout/cluster';
export const RUN = process.env.ZDR_CLUSTER_RUN ?? '/run/zero-downtime-rollout/cluster';
export const BRIDGE = process.env.ZDR_BRIDGE ?? 'zdr0';
export const BRIDGE_IP = process.env.ZDR_BRIDGE_IP ?? '10.244.0.1';
export const POD_CIDR_PREFIX = (process.env.ZDR_POD_CIDR ?? '10.244.0.0/24').replace(/\.0\/24$/, '.');
export const MARKER = '.zero-downtime-cluster';
export const CGROUP_ROOT = 'zero-downtime-rollout';

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs cluster/scripts/NAME.sh to its end, with `env` on top of this process's environment. */
export function runScript(name: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): ScriptResult {
  const result = spawnSync('bash', [path.join(SCRIPTS, `${name}.sh`), ...args], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 600_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts cluster/scripts/NAME.sh in the background. */
export function startScript(name: string, args: string[] = [], env: NodeJS.ProcessEnv = {}): CliRun {
  return startProcess('bash', [path.join(SCRIPTS, `${name}.sh`), ...args], { ...process.env, ...env });
}

/** Runs a function of cluster/scripts/lib.sh (with `env`), e.g. `verify_binary pause`. */
export function runLibFunction(call: string, env: NodeJS.ProcessEnv = {}): ScriptResult {
  const result = spawnSync('bash', ['-c', `source "${SCRIPTS}/lib.sh" && ${call}`], {
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

export const describe = (result: ScriptResult) => `exit ${result.code}\n${result.stdout}\n${result.stderr}`;

export function kubectl(...args: string[]): string {
  return execFileSync('kubectl', ['--context', CONTEXT, ...args], { stdio: 'pipe', encoding: 'utf8' });
}

/** The cluster answers: API server ready, node Ready. */
export function clusterHealthy(): boolean {
  try {
    kubectl('get', '--raw', '/readyz');
    const node = kubectl(
      'get',
      'nodes',
      '-o',
      'jsonpath={.items[0].status.conditions[?(@.type=="Ready")].status}',
    );
    return node === 'True';
  } catch {
    return false;
  }
}

export function sysctl(key: string): string {
  return fs.readFileSync(`/proc/sys/${key.replaceAll('.', '/')}`, 'utf8').trim();
}

/** The host settings up.sh recorded before it changed any (`key value` lines of the state's sysctls file). */
export function recordedSysctls(): Map<string, string> {
  const lines = fs.readFileSync(path.join(STATE, 'sysctls'), 'utf8').trim().split('\n');
  return new Map(lines.map((line) => [line.split(' ')[0]!, line.split(' ').slice(1).join(' ')]));
}

/** A process's start time in clock ticks since boot (field 22 of /proc/PID/stat). */
export function processStart(pid: number): string {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]!;
}

export function bootId(): string {
  return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
}

/** The process runs (a zombie, dead but not yet reaped by its parent, does not). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export function interfaceExists(name: string): boolean {
  return fs.existsSync(`/sys/class/net/${name}`);
}

/** Runs `ip ARGS...` (ip -batch when given lines). */
export function ip(...args: string[]): string {
  return execFileSync('ip', args, { stdio: 'pipe', encoding: 'utf8' });
}

export function iptables(tool: 'iptables' | 'ip6tables', ...args: string[]): ScriptResult {
  const result = spawnSync(tool, args, { encoding: 'utf8' });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Everything in a folder (sorted), or null when it is not there. */
export function listing(folder: string): string[] | null {
  return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : null;
}
