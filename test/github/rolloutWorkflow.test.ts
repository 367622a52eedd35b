import { validateWorkflow } from '@action-validator/core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// .github/workflows/rollout.yml, checked offline: @action-validator/core carries SchemaStore's
// github-workflow schema compiled in (WebAssembly), so no network is needed.
const file = fileURLToPath(new URL('../../../.github/workflows/rollout.yml', import.meta.url));
const source = fs.readFileSync(file, 'utf8');

interface Step {
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
const steps = (parse(source) as { jobs: { rollout: { steps: Step[] } } }).jobs.rollout.steps;

test('the rollout workflow is valid against the GitHub workflow schema', () => {
  assert.deepEqual(validateWorkflow(source).errors, []);
});

test('the schema check really rejects a broken workflow', () => {
  const broken = source.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest');
  assert.notDeepEqual(validateWorkflow(broken).errors, []);
});

test('pins every action to a released version', () => {
  const uses = steps.flatMap((step) => (step.uses ? [step.uses] : []));
  assert.ok(uses.length >= 5);
  for (const action of uses) assert.match(action, /^[\w-]+\/[\w-]+@v\d+(\.\d+\.\d+)?$/, action);
});

test('installs kind without a cluster, sets up k6, and runs the demo on the kind target', () => {
  const kind = steps.find((step) => step.uses?.startsWith('helm/kind-action@'));
  assert.equal(kind?.with?.install_only, true, 'the harness creates (or reuses) the cluster itself');
  assert.ok(steps.some((step) => step.uses?.startsWith('grafana/setup-k6-action@')));
  const order = steps.map((step) => step.run ?? step.uses ?? '');
  assert.ok(order.indexOf('npm ci') < order.findIndex((line) => line.includes('demo:rollout')));
  assert.ok(steps.some((step) => /^npm run demo:rollout -- --target kind\b/.test(step.run ?? '')));
});

test('uploads the report folder even when the proof fails', () => {
  const upload = steps.find((step) => step.uses?.startsWith('actions/upload-artifact@'));
  assert.equal(upload?.if, 'always()');
  assert.equal(upload?.with?.path, 'reports/');
});
