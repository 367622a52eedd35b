import { test } from 'node:test';
import { assertSharedBreaking, localConfigRunner } from '../support/configScenarioRuns.js';

// The slowest configuration trap end to end on the local target (npm run test:slow, the nightly job; CI runs
// it on the real cluster, test-cluster/configScenarios.test.ts, with the same assertions): v2 renaming a key
// v1 still mounts fails v1's requests once their volume syncs, in a 100 s rollout.

const RUN_TIMEOUT_MS = 300_000;
const run = localConfigRunner();

test(
  'v2 renaming its key in the ConfigMap v1 still mounts: v1 pods fail every request once their volume syncs',
  { timeout: RUN_TIMEOUT_MS },
  async () =>
    assertSharedBreaking(await run('config-shared-breaking', ['--kubelet-sync', '10', '--cooldown', '2'])),
);
