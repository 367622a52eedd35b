import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RolloutEvent } from '../../../scripts/model.js';
import { createClusterTarget } from '../../../scripts/kind/clusterTarget.js';
import { createCommandRunner } from '../../../scripts/kind/commandRunner.js';
import { STANDINS, type RecordedCall } from '../../support/kindCliRun.js';
import { tempDir } from '../../support/runCli.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Polls a condition until it holds, failing after a bound instead of sleeping and hoping. */
async function until(what: string, ok: () => boolean, withinMs: number): Promise<void> {
  const deadline = Date.now() + withinMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`not within ${withinMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

test('a rollout status ended by Ctrl-C is an interruption, not a stall, and saves no diagnostics', async (t) => {
  const work = tempDir('cluster-target-');
  const log = path.join(work, 'standin.log');
  const saved = {
    PATH: process.env.PATH,
    STANDIN_LOG: process.env.STANDIN_LOG,
    STANDIN_ROLLOUT: process.env.STANDIN_ROLLOUT,
  };
  Object.assign(process.env, {
    PATH: [STANDINS, path.dirname(process.execPath), process.env.PATH].join(path.delimiter),
    STANDIN_LOG: log,
    STANDIN_ROLLOUT: 'hang',
  });
  // The CLI's own handler (scripts/cli/interruptOnSignals.ts): with it, Ctrl-C does not kill this process.
  const cliHandler = (): void => undefined;
  process.on('SIGINT', cliHandler);
  t.after(() => {
    process.removeListener('SIGINT', cliHandler);
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  const logged: string[] = [];
  const events: RolloutEvent[] = [];
  const target = createClusterTarget({
    name: 'kind',
    run: createCommandRunner({ cwd: repoRoot }),
    context: 'kind-zero-downtime',
    repoRoot,
    image: 'hello',
    serviceUrl: 'http://127.0.0.1:9',
    outDir: work,
    requiredTools: [],
    observer: {
      watchPods: () => assert.fail('the pod watch is not part of this test'),
      waitForVersion: async () => undefined,
    },
    log: (line) => logged.push(line),
  });
  target.onEvent((event) => events.push(event));
  const calls = (): Array<RecordedCall & { pid: number }> =>
    fs.existsSync(log)
      ? fs
          .readFileSync(log, 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as RecordedCall & { pid: number })
      : [];

  const outcome = target.rollOut(path.join(repoRoot, 'k8s/overlays/v2'));
  await until('rollout status waiting', () => calls().some((c) => c.argv.includes('status')), 10_000);
  // A terminal's Ctrl-C: the foreground process group, here kubectl and this process, both at once.
  const kubectl = calls().find((c) => c.argv.includes('status'))!;
  process.kill(kubectl.pid, 'SIGINT');
  process.kill(process.pid, 'SIGINT');

  assert.equal(await outcome, 'interrupted');
  assert.deepEqual(
    events.map((e) => e.kind),
    ['rollout-started'],
    'no rollout-stalled event',
  );
  assert.ok(!fs.existsSync(path.join(work, 'cluster')), 'no stall diagnostics saved');
  assert.deepEqual(logged, []);
  assert.deepEqual(
    calls().map((c) =>
      c.argv.filter((a) => !a.startsWith('--') && a !== 'kind-zero-downtime' && a !== 'default').join(' '),
    ),
    ['apply -k k8s/overlays/v2', 'rollout status deployment/hello'],
  );
});
