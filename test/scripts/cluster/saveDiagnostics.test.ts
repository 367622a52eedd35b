import { SAMPLE_APP } from '../../../scripts/app/sampleApp.js';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { Kubectl } from '../../../scripts/cluster/kubectl.js';
import { saveDiagnostics } from '../../../scripts/cluster/saveDiagnostics.js';
import { tempDir } from '../../support/runCli.js';

/**
 * A stalled v2: hello-v2-4 crash-loops (its reason is in the previous container's log), hello-v2-5 has
 * not started, hello-v1-1 runs. kubectl answers as it does, failures as `read` returns them.
 */
function stalledCluster(): { kubectl: Kubectl; asked: string[][] } {
  const asked: string[][] = [];
  const logs: Record<string, string> = {
    'logs pod/hello-v2-4 --all-containers --prefix': '[pod/hello-v2-4/hello] {"msg":"starting"}\n',
    'logs pod/hello-v2-4 --all-containers --prefix --previous':
      '[pod/hello-v2-4/hello] {"level":60,"msg":"crash at start (FAULT=crash-at-start)"}\n',
    'logs pod/hello-v2-5 --all-containers --prefix':
      'Error from server (BadRequest): container "hello" in pod "hello-v2-5" is waiting to start: ContainerCreating\n(exit 1)\n',
    'logs pod/hello-v2-5 --all-containers --prefix --previous':
      'Error from server (BadRequest): previous terminated container "hello" in pod "hello-v2-5" not found\n(exit 1)\n',
    'logs pod/hello-v1-1 --all-containers --prefix': '[pod/hello-v1-1/hello] {"msg":"listening"}\n',
    'logs pod/hello-v1-1 --all-containers --prefix --previous':
      'Error from server (BadRequest): previous terminated container "hello" in pod "hello-v1-1" not found\n(exit 1)\n',
  };
  const kubectl: Kubectl = {
    app: SAMPLE_APP,
    apply: async () => undefined,
    deleteApplied: async () => assert.fail('diagnostics delete nothing'),
    rolloutStatus: async () => ({ ok: false, message: 'timed out', interrupted: false }),
    deletePodNow: async () => undefined,
    deleteDeployment: async () => undefined,
    podContainer: async () => ({ node: 'n', containerId: 'c' }),
    podNames: async () => ['pod/hello-v2-4', 'pod/hello-v2-5', 'pod/hello-v1-1'],
    followLog: async () => assert.fail('diagnostics follow no log'),
    podLog: async () => assert.fail('diagnostics read logs through read()'),
    async read(args) {
      asked.push([...args]);
      return logs[args.join(' ')] ?? `${args.join(' ')}: answered\n`;
    },
  };
  return { kubectl, asked };
}

test("saves every pod's log and the log of its container before the last restart, past pods with none", async () => {
  const { kubectl } = stalledCluster();
  const folder = await saveDiagnostics(kubectl, tempDir('diagnostics-'));
  const logs = fs.readFileSync(path.join(folder, 'logs.txt'), 'utf8');
  for (const pod of ['hello-v2-4', 'hello-v2-5', 'hello-v1-1']) {
    assert.match(logs, new RegExp(`==> pod/${pod}: current container <==`));
    assert.match(logs, new RegExp(`==> pod/${pod}: previous container \\(before its last restart\\) <==`));
  }
  assert.match(logs, /crash at start \(FAULT=crash-at-start\)/, "the crash-looping pod's reason");
  assert.match(
    logs,
    /hello-v2-5" is waiting to start: ContainerCreating/,
    'kubectl says why there is no log',
  );
  assert.match(logs, /\[pod\/hello-v1-1\/hello\] \{"msg":"listening"\}/, 'a pod after the one with no log');
});

test('saves the namespace events and the pod descriptions beside the logs', async () => {
  const { kubectl, asked } = stalledCluster();
  const folder = await saveDiagnostics(kubectl, tempDir('diagnostics-'));
  assert.deepEqual(fs.readdirSync(folder).sort(), ['describe-pods.txt', 'events.txt', 'logs.txt']);
  assert.deepEqual(asked.slice(0, 2), [
    ['get', 'events', '--sort-by=.lastTimestamp'],
    ['describe', 'pods', '-l', 'app=hello'],
  ]);
});
