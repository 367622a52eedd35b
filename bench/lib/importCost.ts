import { spawnSync } from 'node:child_process';
import { benchRoot } from './benchResult.js';

/** The service's dependencies, as its modules import them. */
export const SERVICE_DEPENDENCIES = [
  'express',
  'zod',
  'prom-client',
  'pino',
  '@godaddy/terminus',
  'on-headers',
];

/**
 * What importing each module costs on its own, in ms: a fresh `node` per module (nothing shared,
 * as at start-up), timed around the dynamic import, median of `runs`. Where start-up time goes.
 */
export function importCosts(modules = SERVICE_DEPENDENCIES, runs = 3): Record<string, number> {
  const costs: Record<string, number> = {};
  for (const name of modules) {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const script = `const t = performance.now(); await import(${JSON.stringify(name)}); console.log(performance.now() - t);`;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        cwd: benchRoot,
        encoding: 'utf8',
        timeout: 10_000,
      });
      if (r.status === 0) times.push(Number(r.stdout.trim()));
    }
    times.sort((a, b) => a - b);
    if (times.length > 0) costs[name] = Math.round(times[Math.floor(times.length / 2)]! * 10) / 10;
  }
  return costs;
}
