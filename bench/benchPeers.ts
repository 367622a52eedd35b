/**
 * `npm run bench:peers`: what the benchmarks measure against, ready before they run (CI runs this on a
 * fresh machine): vegeta built into the bench's cache if missing, and HAProxy found. No options.
 */
import { parseBenchFlags } from './lib/benchFlags.js';
import { failBench } from './lib/benchResult.js';
import { haproxyVersion } from './lib/haproxy.js';
import { ensureVegeta } from './lib/vegeta.js';

function main(): void {
  parseBenchFlags('bench:peers', {}, process.argv.slice(2));
  console.log(`bench:peers: vegeta ${ensureVegeta()}`);
  const haproxy = haproxyVersion();
  if (haproxy === null) throw new Error('haproxy not found: apt-get install -y haproxy');
  console.log(`bench:peers: ${haproxy}`);
}

try {
  main();
} catch (error) {
  failBench('bench:peers')(error);
}
