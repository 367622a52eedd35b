import assert from 'node:assert/strict';
import { test } from 'node:test';
import { theoreticalRolloutMs } from '../../../bench/lib/theoreticalRolloutMs.js';
import { deploymentSettings } from '../../../scripts/manifests/deploymentSettings.js';
import { overlayDir } from '../../../scripts/manifests/overlays.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';

const hardened = () => deploymentSettings(renderKustomization(overlayDir(2)));

test('the hardened manifest needs 3 steps of startup (1 s) + readiness (0) + minReadySeconds (2 s) once the pod listens after 260 ms', () => {
  const min = theoreticalRolloutMs(hardened(), 260);
  assert.deepEqual(min, {
    steps: 3,
    stepMs: 3000,
    startupMs: 1000,
    readinessMs: 0,
    minReadyMs: 2000,
    totalMs: 9000,
  });
});

test('with spawn → listen 0 the first startup check passes at once: the strict lower bound is 3 × 2 s', () => {
  assert.equal(theoreticalRolloutMs(hardened(), 0)?.totalMs, 6000);
});

test('a pod that listens after 1.2 s passes the 1 s startup probe at its third check (t = 2 s)', () => {
  assert.equal(theoreticalRolloutMs(hardened(), 1200)?.startupMs, 2000);
});

test('6 replicas with maxSurge 1 take 6 steps; maxSurge 2 halves them', () => {
  const six = { ...hardened(), replicas: 6 };
  assert.equal(theoreticalRolloutMs(six, 260)?.steps, 6);
  assert.equal(theoreticalRolloutMs({ ...six, maxSurge: 2 }, 260)?.totalMs, 9000);
});

test('returns null when maxUnavailable lets old pods go before new ones are available', () => {
  assert.equal(theoreticalRolloutMs({ ...hardened(), maxUnavailable: 1 }, 260), null);
});
