import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertSharedBreaking, assertVolumeDelay, localConfigRunner } from '../support/configScenarioRuns.js';

// The two slow configuration traps end to end on the local target (npm run test:slow, the nightly job; CI
// runs them on the real cluster, test-cluster/configScenarios.test.ts, with the same assertions): a mounted
// file changes at each pod's kubelet sync, and v2 renaming a key v1 still mounts fails v1's requests.

const RUN_TIMEOUT_MS = 300_000;
const run = localConfigRunner();

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

test(
  'v2 renaming its key in the ConfigMap v1 still mounts: v1 pods fail every request once their volume syncs',
  { timeout: RUN_TIMEOUT_MS },
  async () =>
    assertSharedBreaking(await run('config-shared-breaking', ['--kubelet-sync', '10', '--cooldown', '2'])),
);
