/**
 * `npm run bench`: every part, one after the other (never two at once: they would measure each other),
 * each in its own process, then bench/RESULTS.md. About 10 minutes on a 2-core machine.
 *   --quick   every part briefly, numbers not asserted (CI: keeps the benchmark code working)
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { quickFlag } from './lib/benchResult.js';
import { PARTS } from './writeResults.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const entries: Record<(typeof PARTS)[number], string> = {
  service: 'serviceCapacity.js',
  balancer: 'balancerOverhead.js',
  generator: 'generatorCapacity.js',
  rollout: 'rolloutTime.js',
  lifecycle: 'lifecycle.js',
  scale: 'scaleRollout.js',
};

const quick = quickFlag(process.argv.slice(2), 'bench');
const flags = quick ? ['--quick'] : [];
const failed: string[] = [];
const t0 = performance.now();
for (const part of PARTS) {
  console.log(`\n==> bench:${part}${quick ? ' --quick' : ''}`);
  const { status } = spawnSync(process.execPath, [path.join(here, entries[part]), ...flags], {
    stdio: 'inherit',
  });
  if (status !== 0) failed.push(`bench:${part} (exit ${status})`);
}
spawnSync(process.execPath, [path.join(here, 'writeResults.js'), ...flags], { stdio: 'inherit' });
console.log(`\nbench: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
if (failed.length > 0) {
  console.error(`bench: failed: ${failed.join(', ')}`);
  process.exitCode = 1;
}
