/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time by function and by module, the
 * top N of each. Used to find what limits a benchmark; clinic is not needed for this.
 *   node dist/bench/cpuProfileSummary.js FILE.cpuprofile [--top N]
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { numberFlag } from '../loadtest/flags/flag.js';
import { parseBenchFlags } from './lib/benchFlags.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}
export interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  idlePct: number;
  byFunction: Array<{ name: string; pct: number }>;
  byModule: Array<{ name: string; pct: number }>;
}

/** Where a frame lives, shortened: an npm package name, a project file, or node's internals. */
function moduleOf(url: string): string {
  if (url === '') return '(native/V8)';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return url;
  const dist = /\/dist\/(.+)$/.exec(url);
  return dist ? dist[1]! : url;
}

export function summarizeProfile(profile: Profile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  // Each sample is charged the time delta that follows it (V8's own attribution).
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i + 1] ?? 0;
    self.set(id, (self.get(id) ?? 0) + dt);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const fn = new Map<string, number>();
  const mod = new Map<string, number>();
  let idle = 0;
  for (const [id, us] of self) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    if (functionName === '(idle)') idle += us;
    const name = `${functionName || '(anonymous)'} ${moduleOf(url)}${url ? `:${lineNumber + 1}` : ''}`;
    fn.set(name, (fn.get(name) ?? 0) + us);
    const m = functionName.startsWith('(') ? functionName : moduleOf(url);
    mod.set(m, (mod.get(m) ?? 0) + us);
  }
  const rank = (m: Map<string, number>) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, us]) => ({ name, pct: Math.round((us / total) * 1000) / 10 }));
  return {
    totalMs: Math.round(total / 1000),
    idlePct: Math.round((idle / total) * 1000) / 10,
    byFunction: rank(fn),
    byModule: rank(mod),
  };
}

/** The summary of the one `.cpuprofile` that `node --cpu-prof-dir=dir` wrote there, or null when it wrote none. */
export function summarizeProfileIn(dir: string, top = 15): ProfileSummary | null {
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  return file
    ? summarizeProfile(JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as Profile, top)
    : null;
}

const USAGE = 'usage: node dist/bench/cpuProfileSummary.js FILE.cpuprofile [--top N]';
const PROFILE_FLAGS = {
  top: numberFlag({
    min: 1,
    max: 1000,
    unit: 'a whole number',
    whole: true,
    default: 15,
    help: 'rows of each table',
  }),
};

if (process.argv[1]?.endsWith('cpuProfileSummary.js')) {
  // The profile comes first, bare; the flags after it are read by the parser every command shares.
  const argv = process.argv.slice(2);
  const file = argv[0]?.startsWith('-') ? undefined : argv[0];
  const { top } = parseBenchFlags('cpuProfileSummary', PROFILE_FLAGS, file ? argv.slice(1) : argv, USAGE);
  if (!file) {
    console.error(USAGE);
    process.exit(2);
  }
  const s = summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as Profile, top);
  console.log(`${s.totalMs} ms sampled, idle ${s.idlePct}%`);
  console.log('by module (self time):');
  for (const r of s.byModule) console.log(`  ${String(r.pct).padStart(5)}%  ${r.name}`);
  console.log('by function (self time):');
  for (const r of s.byFunction) console.log(`  ${String(r.pct).padStart(5)}%  ${r.name}`);
}
