import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import {
  assertHashedRollout,
  assertSharedBreaking,
  assertStaleEnv,
  assertVolumeDelay,
  runConfigScenario,
  type ConfigRun,
} from '../support/configScenarioRuns.js';
import { runningPodProcesses } from '../support/runCli.js';

// Configuration changes end to end on the local target: the hashed ConfigMap rolls out like code and
// serves only the new configuration once settled; the three in-place traps fail the way they fail on a
// cluster (test-cluster/configScenarios.test.ts asserts the same of the real one).

const LOCAL = ['--target', 'local'];
const RUN_TIMEOUT_MS = 300_000;

const outDirs: string[] = [];
async function run(name: string, extra: string[]): Promise<ConfigRun> {
  const result = await runConfigScenario(LOCAL, name, extra);
  outDirs.push(result.out);
  assert.deepEqual(runningPodProcesses(result.out), [], 'no pod process remains');
  return result;
}
after(() => {
  for (const dir of outDirs)
    assert.deepEqual(runningPodProcesses(dir), [], `a pod process of ${dir} outlived the harness`);
});

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
