import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// A resolve hook that refuses every target implementation and the cluster client: what the lint and --help
// must never load just by reading the registry (each entry loads its implementation when it makes a target).
const HOOKS = `export async function resolve(specifier, context, next) {
  const found = await next(specifier, context);
  if (/scripts\\/targets\\/(local\\/localTarget|kind\\/kindTarget|kube\\/kubeTarget)\\.js$|@kubernetes\\/client-node/.test(found.url))
    throw new Error('loaded ' + found.url);
  return found;
}`;

function importWithHooks(module: string): { status: number | null; stderr: string } {
  const url = new URL(module, import.meta.url).href;
  const code = [
    "import { register } from 'node:module';",
    `register('data:text/javascript,' + encodeURIComponent(${JSON.stringify(HOOKS)}));`,
    `await import(${JSON.stringify(url)});`,
  ].join('\n');
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', code], {
    encoding: 'utf8',
    cwd: fileURLToPath(new URL('.', import.meta.url)),
  });
  return { status: child.status, stderr: child.stderr };
}

test('reading the target registry loads no target implementation and no cluster client', () => {
  const registry = importWithHooks('../../../scripts/targets/targets.js');
  assert.equal(registry.status, 0, registry.stderr);
  const table = importWithHooks('../../../scripts/cli/rolloutFlagTable.js');
  assert.equal(table.status, 0, table.stderr);
});

test('the check notices an implementation loaded', () => {
  const kind = importWithHooks('../../../scripts/targets/kind/kindTarget.js');
  assert.notEqual(kind.status, 0);
  assert.match(kind.stderr, /loaded .*kindTarget\.js/);
});
