import { validateWorkflow } from '@action-validator/core';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { K6_SUPPORTED_MAJORS, k6Major, k6VersionSupported } from '../../loadtest/k6Versions.js';

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

test('pins k6 to a release whose major the rollout script supports', () => {
  const k6 = steps.find((step) => step.uses?.startsWith('grafana/setup-k6-action@'));
  const version = String(k6?.with?.['k6-version'] ?? '');
  // The action downloads k6-v<version>-linux-amd64.tar.gz: a bare X.Y.Z, no "v", no range.
  assert.match(version, /^\d+\.\d+\.\d+$/, 'k6-version pinned to a release');
  assert.ok(k6VersionSupported(version), `k6 ${version} is of a major in ${K6_SUPPORTED_MAJORS.join(', ')}`);
});

test('the rollout script names the k6 majors it supports, the same ones the harness knows', () => {
  const script = fs.readFileSync(
    fileURLToPath(new URL('../../../loadtest/rollout.k6.js', import.meta.url)),
    'utf8',
  );
  const said = /k6 versions: (v\d+\.x(?: and v\d+\.x)*)/.exec(script.replace(/\n\/\/ /g, ' '))?.[1] ?? '';
  assert.deepEqual(
    [...said.matchAll(/v(\d+)\.x/g)].map((m) => Number(m[1])),
    [...K6_SUPPORTED_MAJORS],
  );
  assert.equal(k6Major('k6 v2.2.0 (commit/abc, go1.26.1, linux/amd64)'), 2);
  assert.equal(k6VersionSupported('v0.49.0'), false);
});
