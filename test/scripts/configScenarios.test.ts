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
