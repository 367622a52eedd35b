import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  assertHashedRollout,
  assertStaleEnv,
  assertVolumeDelay,
  localConfigRunner,
} from '../support/configScenarioRuns.js';

// Configuration changes end to end on the local target: the hashed ConfigMap rolls out like code and
// serves only the new configuration once settled; a ConfigMap edited in place and read as env stays old; a
// mounted one changes at each pod's kubelet sync. test-cluster/ asserts the same of the real cluster. Each
// slow trap runs on one target in CI and on the other in the nightly job: the mounted file's sync here (and on
// the real cluster in test-cluster/configScenarios.slow.test.ts), v2 breaking the shared ConfigMap (a 100 s
// rollout) on the real cluster (and here in configScenarios.slow.test.ts).

const RUN_TIMEOUT_MS = 300_000;
const run = localConfigRunner();

test(
  'a new greeting through the hashed ConfigMap rolls out like code: 0 failed, only the new configuration once settled',
  { timeout: RUN_TIMEOUT_MS },
  async () => assertHashedRollout(await run('config-hashed', ['--cooldown', '2'])),
);

test(
  'a fixed-name ConfigMap edited in place and read as env: nothing rolls out, the old greeting is served to the end',
  { timeout: RUN_TIMEOUT_MS },
  async () => assertStaleEnv(await run('config-in-place-env', ['--cooldown', '2'])),
);

test(
  'a fixed-name ConfigMap mounted as a file: each pod switches at its kubelet sync, old answers past the settle time',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    // Pods sync every 40 s from their creation, some seconds before the edit (the deploy and the 3 s
    // warm-up: up to 25 s of it still leaves their files changing past the 15 s settle time), and the 30 s
    // cool-down then sees the new greeting everywhere.
    const syncMs = 40_000;
    const result = await run('config-in-place-volume', ['--kubelet-sync', '40', '--cooldown', '30']);
    assertVolumeDelay(result, { min: 15_000, max: syncMs + 2000 });
    // From the run's own events, on any machine: the last old answer comes at the last v1 pod's first
    // sync after the edit, counted from that pod's creation.
    const editedAt = Date.parse(result.report.rollout.startedAt);
    const syncs = result.report.pods
      .filter((pod) => pod.version === '1')
      .map((pod) => {
        const created = Date.parse(pod.created);
        return created + Math.ceil((editedAt - created) / syncMs) * syncMs - editedAt;
      });
    const lastSync = Math.max(...syncs);
    const lastOld = result.report.change.lastOldAnswerMs!;
    assert.ok(
      Math.abs(lastOld - lastSync) < 1000,
      `last old answer ${lastOld} ms after the edit, the last pod's sync ${lastSync} ms after it`,
    );
  },
);
