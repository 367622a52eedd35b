import { test } from 'node:test';
import {
  assertHashedRollout,
  assertSharedBreaking,
  assertStaleEnv,
  runConfigScenario,
} from '../test/support/configScenarioRuns.js';

// The configuration changes on a real Kubernetes (npm run cluster:up, KUBECONFIG exported): the same
// runs and assertions as the local engine's (test/scripts/configScenarios.test.ts), with the kubelet's own
// ConfigMap volume updates (syncFrequency 1 min by default). The mounted file's sync runs here in the nightly
// job only (configScenarios.slow.test.ts); CI runs it on the local target.

const CONTEXT = process.env.ZDR_CONTEXT ?? 'zero-downtime-local';
const KUBE = ['--target', 'kube', '--context', CONTEXT, '--node-port', 'on'];
const RUN_TIMEOUT_MS = 420_000;

test(
  'a new greeting through the hashed ConfigMap rolls out like code on the real cluster: 0 failed, only the new one once settled',
  { timeout: RUN_TIMEOUT_MS },
  async () => assertHashedRollout(await runConfigScenario(KUBE, 'config-hashed', ['--cooldown', '2'])),
);

test(
  'a fixed-name ConfigMap edited in place and read as env on the real cluster: the old greeting to the end',
  { timeout: RUN_TIMEOUT_MS },
  async () => assertStaleEnv(await runConfigScenario(KUBE, 'config-in-place-env', ['--cooldown', '2'])),
);

test(
  'v2 renaming its key in the ConfigMap v1 still mounts, on the real cluster: v1 pods fail once their volume syncs',
  { timeout: RUN_TIMEOUT_MS },
  async () =>
    assertSharedBreaking(await runConfigScenario(KUBE, 'config-shared-breaking', ['--cooldown', '2'])),
);
