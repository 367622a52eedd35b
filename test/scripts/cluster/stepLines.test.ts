import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dockerBuildStep, kindStep, stepLines } from '../../../scripts/cluster/stepLines.js';

test("keeps kind's status lines and warnings, without the trailing dots, and nothing else", () => {
  const lines = [
    'cgroup v1 is deprecated in Kubernetes and will not be supported in a future kind release, please upgrade to cgroup v2',
    'Creating cluster "zero-downtime" ...',
    ' • Ensuring node image (kindest/node:v1.36.1) 🖼  ...',
    ' ✓ Ensuring node image (kindest/node:v1.36.1) 🖼',
    ' ✗ Waiting ≤ 2m0s for control-plane = Ready ⏳',
    ' • WARNING: Timed out waiting for Ready ⚠️',
    'Set kubectl context to "kind-zero-downtime"',
    'Have a nice day! 👋',
  ];
  assert.deepEqual(lines.map(kindStep).filter(Boolean), [
    lines[0],
    '• Ensuring node image (kindest/node:v1.36.1) 🖼',
    '✓ Ensuring node image (kindest/node:v1.36.1) 🖼',
    '✗ Waiting ≤ 2m0s for control-plane = Ready ⏳',
    '• WARNING: Timed out waiting for Ready ⚠️',
  ]);
});

test('keeps the first line of each docker build step, classic builder and BuildKit alike', () => {
  const step = dockerBuildStep();
  const lines = [
    'Step 3/12 : RUN npm ci',
    ' ---> Running in 0123456789ab',
    '#8 [build 3/7] RUN npm ci',
    '#8 0.512 added 312 packages in 9s',
    '#8 [build 3/7] RUN npm ci',
    '#8 DONE 12.3s',
    '#9 ERROR: process "/bin/sh -c npm run build" did not complete successfully: exit code: 2',
  ];
  assert.deepEqual(lines.map(step).filter(Boolean), [lines[0], '[build 3/7] RUN npm ci', lines[6]]);
});

test('prefixes each step with its command and the seconds since that command began', () => {
  const printed: string[] = [];
  const onLine = stepLines((line) => printed.push(line), 'kind create', kindStep);
  onLine(' • Preparing nodes 📦   ...');
  onLine('not a step');
  assert.deepEqual(printed.length, 1);
  assert.match(printed[0]!, /^ {2}kind create \+0\.\ds {2}• Preparing nodes 📦$/);
});
