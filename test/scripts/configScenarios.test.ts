import { test } from 'node:test';
import { assertHashedRollout, assertStaleEnv, localConfigRunner } from '../support/configScenarioRuns.js';

// Configuration changes end to end on the local target: the hashed ConfigMap rolls out like code and
// serves only the new configuration once settled; a ConfigMap edited in place and read as env stays old.
// test-cluster/configScenarios.test.ts asserts the same of the real cluster. The two slow traps (a mounted
// file's kubelet sync, a 100 s rollout) run on the local target in configScenarios.slow.test.ts
// (npm run test:slow, the nightly job) and on the real cluster in CI.

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
