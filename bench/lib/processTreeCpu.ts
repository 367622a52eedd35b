import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** What a process is, from its command line: the parts of a local rollout. */
function roleOf(cmdline: string): string {
  if (cmdline.includes('service/main.js')) return 'pods';
  if (cmdline.includes('balancerProcess.js')) return 'balancer';
  if (cmdline.includes('loadCli.js')) return 'generator';
  if (cmdline.includes('demoRollout.js')) return 'harness';
  return 'other';
}

interface Seen {
  role: string;
  ticks: number;
}

function readStat(pid: string): { ppid: number; ticks: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null; // exited meanwhile
  }
}

/** The whole machine's busy and total CPU time so far (all cores), from /proc/stat's first line. */
function machineTicks(): { busy: number; total: number } {
  try {
    const [, ...fields] = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
    const n = fields.map(Number);
    const total = n.reduce((a, b) => a + b, 0);
    return { busy: total - (n[3] ?? 0) - (n[4] ?? 0), total }; // idle, iowait
  } catch {
    return { busy: 0, total: 0 };
  }
}

/**
 * CPU of a process and all its descendants, by role (pods, balancer, generator, harness), sampled
 * from /proc every second (Linux; nothing elsewhere). A process that exits keeps the CPU it had at
 * its last sample, so up to a second of each is missed. stop() returns % of one core over the run,
 * and `machine`: the whole machine's CPU over the same time, ours and everyone else's.
 */
export function sampleTreeCpu(rootPid: number): { stop(): Record<string, number> } {
  const seen = new Map<number, Seen>();
  const t0 = performance.now();
  const machine0 = machineTicks();
  const sample = (): void => {
    let pids: string[];
    try {
      pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
    } catch {
      return;
    }
    const stats = new Map<number, { ppid: number; ticks: number }>();
    for (const p of pids) {
      const s = readStat(p);
      if (s) stats.set(Number(p), s);
    }
    const inTree = (pid: number): boolean => {
      for (let p = pid, hops = 0; p > 1 && hops < 10; hops++) {
        if (p === rootPid) return true;
        p = stats.get(p)?.ppid ?? 0;
      }
      return false;
    };
    for (const [pid, s] of stats) {
      if (!inTree(pid)) continue;
      let known = seen.get(pid);
      if (!known) {
        let cmdline = '';
        try {
          cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        } catch {
          continue;
        }
        known = { role: roleOf(cmdline), ticks: 0 };
        seen.set(pid, known);
      }
      known.ticks = s.ticks;
    }
  };
  sample();
  const timer = setInterval(sample, 1000);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const wallMs = performance.now() - t0;
      const byRole: Record<string, number> = {};
      for (const { role, ticks } of seen.values()) byRole[role] = (byRole[role] ?? 0) + ticks * 10; // USER_HZ 100
      for (const role of Object.keys(byRole)) byRole[role] = Math.round((byRole[role]! / wallMs) * 100);
      const machine1 = machineTicks();
      const busy = (machine1.busy - machine0.busy) / Math.max(1, machine1.total - machine0.total);
      byRole.machine = Math.round(busy * os.cpus().length * 100);
      return byRole;
    },
  };
}
