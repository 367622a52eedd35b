import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyJsonPatch } from '../../../scripts/manifests/jsonPatch.js';
import type { KubeObject } from '../../../scripts/manifests/kubeObject.js';
import { PROTECTIONS, protectionsOf } from '../../../scripts/prove/protections.js';
import { deployment, HARDENED_CONTAINER, HARDENED_POD, HARDENED_SPEC } from '../../support/appManifests.js';

const hardened = deployment('echo', HARDENED_CONTAINER, HARDENED_SPEC, HARDENED_POD) as KubeObject;

test('a hardened Deployment has every protection prove can remove', () => {
  assert.deepEqual(
    protectionsOf(hardened).map((p) => p.id),
    ['readiness-probe', 'prestop', 'grace-period', 'surge-only', 'min-ready-seconds'],
  );
});

test("a bare Deployment has only the default grace period, which is longer than the control's", () => {
  assert.deepEqual(
    protectionsOf(deployment('echo') as KubeObject).map((p) => p.id),
    ['grace-period'],
  );
});

test('each removal takes away its own protection and leaves every other one', () => {
  for (const protection of PROTECTIONS) {
    const removed = applyJsonPatch(
      structuredClone(hardened),
      protection.removal(hardened),
      protection.id,
    ) as KubeObject;
    const left = protectionsOf(removed).map((p) => p.id);
    assert.ok(!left.includes(protection.id), `${protection.id} is gone`);
    assert.deepEqual(
      left,
      PROTECTIONS.map((p) => p.id).filter((id) => id !== protection.id),
      `${protection.id}: the others stay`,
    );
  }
});

test('the readiness control takes a startup probe with the readiness probe, which would gate the pod alone', () => {
  const gated = deployment('echo', {
    ...HARDENED_CONTAINER,
    startupProbe: { httpGet: { path: '/', port: 8080 } },
  }) as KubeObject;
  const readiness = PROTECTIONS.find((p) => p.id === 'readiness-probe')!;
  const removed = applyJsonPatch(structuredClone(gated), readiness.removal(gated), 'readiness') as {
    spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
  };
  const container = removed.spec.template.spec.containers[0]!;
  assert.equal(container.readinessProbe, undefined);
  assert.equal(container.startupProbe, undefined);
});
