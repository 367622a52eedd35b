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
    // Pods sync every 30 s from their creation, a few seconds before the edit: their files change some
    // 20 s after it, past the 15 s settle time, and the 20 s cool-down then sees the new greeting everywhere.
    const result = await run('config-in-place-volume', ['--kubelet-sync', '30', '--cooldown', '20']);
    assertVolumeDelay(result, { min: 15_000, max: 32_000 });
  },
);

test(
  'v2 renaming its key in the ConfigMap v1 still mounts: v1 pods fail every request once their volume syncs',
  { timeout: RUN_TIMEOUT_MS },
  async () =>
    assertSharedBreaking(await run('config-shared-breaking', ['--kubelet-sync', '10', '--cooldown', '2'])),
);
