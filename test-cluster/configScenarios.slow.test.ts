import { test } from 'node:test';
import { assertVolumeDelay, runConfigScenario } from '../test/support/configScenarioRuns.js';
import { CONTEXT } from '../test/support/clusterScripts.js';

// The mounted ConfigMap's kubelet sync on a real Kubernetes (npm run test:cluster:slow, the nightly job; CI
// runs the same trap on the local target, test/scripts/configScenarios.test.ts): the run lasts until the last
// pod's sync, 60 to 90 s after its start (syncFrequency 1 min plus the kubelet's jitter).

const KUBE = ['--target', 'kube', '--context', CONTEXT, '--node-port', 'on'];
const RUN_TIMEOUT_MS = 420_000;

test(
  "a mounted fixed-name ConfigMap on the real cluster: each pod switches at its kubelet's sync, 15 to 100 s after the edit",
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    // The pods are fresh (a few seconds old at the edit); the kubelet syncs each 60 to 90 s after its start.
    const result = await runConfigScenario(KUBE, 'config-in-place-volume');
    assertVolumeDelay(result, { min: 15_000, max: 100_000 });
  },
);
