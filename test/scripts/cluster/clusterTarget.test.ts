import { SAMPLE_APP } from '../../../scripts/app/sampleApp.js';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RolloutEvent } from '../../../scripts/model.js';
import {
  createClusterTarget,
  type ClusterObserver,
  type ClusterTargetOptions,
} from '../../../scripts/cluster/clusterTarget.js';
import {
  createCommandRunner,
  type CommandResult,
  type CommandRunner,
} from '../../../scripts/cluster/commandRunner.js';
import { STANDINS, type RecordedCall } from '../../support/kindCliRun.js';
import { tempDir } from '../../support/runCli.js';
import { until, within } from '../../support/until.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

test(
  'a rollout status ended by Ctrl-C is an interruption, not a stall, and saves no diagnostics',
  { timeout: 120_000 },
  async (t) => {
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
      app: SAMPLE_APP,
      image: 'hello',
      serviceUrl: 'http://127.0.0.1:9',
      outDir: work,
      requiredTools: [],
      observer: {
        watchPods: () => assert.fail('the pod watch is not part of this test'),
        waitForAnswer: async () => undefined,
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
    await until('rollout status waiting', () => calls().some((c) => c.argv.includes('status')), 60_000);
    // A terminal's Ctrl-C: the foreground process group, here kubectl and this process, both at once.
    const kubectl = calls().find((c) => c.argv.includes('status'))!;
    process.kill(kubectl.pid, 'SIGINT');
    process.kill(process.pid, 'SIGINT');

    assert.equal(await within('the rollout ending at Ctrl-C', outcome, 60_000), 'interrupted');
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
  },
);

// The same target through a fake command runner and a fake observer: no process, no cluster.

const V1 = path.join(repoRoot, 'k8s/overlays/v1');
const V2 = path.join(repoRoot, 'k8s/overlays/v2');
const OK: CommandResult = { code: 0, stdout: '', stderr: '' };

/** Answers each command with `answer` (OK by default) and records it without the context flags. */
function fakeRunner(answer: (line: string) => CommandResult | undefined = () => undefined) {
  const lines: string[] = [];
  const runner: CommandRunner = {
    history: [],
    dryRun: false,
    async run(command, args) {
      const line = [command, ...args]
        .join(' ')
        .replace(' --context kind-zero-downtime --namespace default', '');
      lines.push(line);
      return answer(line) ?? OK;
    },
  };
  return { runner, lines };
}

/** A pod watch the test drives: `emit` plays the API server's pod changes. */
function fakeObserver() {
  const waited: string[] = [];
  let emit: (event: RolloutEvent) => void = () => assert.fail('the pod watch was not started');
  let stopped = 0;
  const observer: ClusterObserver = {
    watchPods(_context, _app, onEvent) {
      emit = onEvent;
      return {
        start: async () => undefined,
        podCounts: () => ({ ready: 3, terminating: 0 }),
        untilNoneTerminating: async () => true,
        stop: () => void stopped++,
      };
    },
    waitForAnswer: async (url, request, version) =>
      void waited.push(`${new URL(request.path, url).href} v${version}`),
  };
  return { observer, waited, emit: (event: RolloutEvent) => emit(event), stops: () => stopped };
}

function fakeClusterTarget(
  runner: CommandRunner,
  observer: ClusterObserver,
  extra: Partial<ClusterTargetOptions> = {},
) {
  const logged: string[] = [];
  const events: RolloutEvent[] = [];
  const target = createClusterTarget({
    name: 'kube',
    run: runner,
    context: 'kind-zero-downtime',
    repoRoot,
    app: SAMPLE_APP,
    image: 'hello',
    serviceUrl: 'http://127.0.0.1:9',
    outDir: tempDir('cluster-target-'),
    requiredTools: [],
    observer,
    log: (line) => logged.push(line),
    ...extra,
  });
  target.onEvent((event) => events.push(event));
  return { target, logged, events };
}

test("deploys v1 on fresh pods (an earlier run's Deployment deleted first) and counts it deployed once the Service answers from v1", async () => {
  const { runner, lines } = fakeRunner();
  const { observer, waited } = fakeObserver();
  const { target, events } = fakeClusterTarget(runner, observer);
  assert.equal(await target.up(), 'http://127.0.0.1:9');
  assert.equal(await target.deploy(V1), 'complete');
  assert.deepEqual(lines, [
    'kubectl delete deployment hello --ignore-not-found --cascade=foreground --wait=true --timeout=120s',
    'kubectl apply -k k8s/overlays/v1',
    'kubectl rollout status deployment/hello --timeout=300s',
  ]);
  assert.deepEqual(
    events.map((event) => event.kind),
    ['rollout-started', 'rollout-complete'],
  );
  assert.deepEqual(waited, ['http://127.0.0.1:9/ v1']);
});

test('a rollout under load does not wait for answers: rollout status decides', async () => {
  const { runner } = fakeRunner();
  const { observer, waited } = fakeObserver();
  const { target } = fakeClusterTarget(runner, observer);
  await target.up();
  assert.equal(await target.rollOut(V2), 'complete');
  assert.deepEqual(waited, []);
});

test('a failed rollout status is a stall: a rollout-stalled event and the diagnostics saved', async () => {
  const { runner, lines } = fakeRunner((line) =>
    line.includes('rollout status')
      ? { code: 1, stdout: '', stderr: 'error: deployment "hello" exceeded its progress deadline' }
      : undefined,
  );
  const { observer } = fakeObserver();
  const { target, events, logged } = fakeClusterTarget(runner, observer);
  await target.up();
  assert.equal(await target.rollOut(V2), 'stalled');
  const stalled = events.find((event) => event.kind === 'rollout-stalled');
  assert.equal(stalled?.detail, 'error: deployment "hello" exceeded its progress deadline');
  assert.ok(lines.includes('kubectl get events --sort-by=.lastTimestamp'), lines.join('\n'));
  assert.match(logged.join('\n'), /rollout did not complete .* in .*cluster$/);
});

test('rolling back re-applies the first overlay and waits for its rollout', async () => {
  const { runner, lines } = fakeRunner();
  const { observer } = fakeObserver();
  const { target } = fakeClusterTarget(runner, observer);
  await target.up();
  assert.equal(await target.rollBack!(V1), 'complete');
  assert.deepEqual(lines, [
    'kubectl apply -k k8s/overlays/v1',
    'kubectl rollout status deployment/hello --timeout=300s',
  ]);
});

test('kills a ready pod of the asked version, never one that is terminating', async () => {
  const { runner, lines } = fakeRunner();
  const fake = fakeObserver();
  const { target } = fakeClusterTarget(runner, fake.observer);
  await target.up();
  fake.emit({ at: 1, kind: 'ready', pod: 'hello-old', version: '1' });
  fake.emit({ at: 2, kind: 'terminating', pod: 'hello-old', version: '1' });
  fake.emit({ at: 3, kind: 'ready', pod: 'hello-v2', version: '2' });
  fake.emit({ at: 4, kind: 'ready', pod: 'hello-v1', version: '1' });
  const kill = await target.killPod!('1');
  assert.equal(kill.pod, 'hello-v1');
  assert.match(kill.what, /^force-deleted/);
  assert.deepEqual(lines, ['kubectl delete pod hello-v1 --grace-period=0 --force --wait=false']);
});

test('refuses to kill when no pod of that version is ready', async () => {
  const { runner } = fakeRunner();
  const fake = fakeObserver();
  const { target } = fakeClusterTarget(runner, fake.observer);
  await target.up();
  fake.emit({ at: 1, kind: 'created', pod: 'hello-v1', version: '1' });
  await assert.rejects(target.killPod!('1'), /no ready pod of version 1 to kill/);
});

test('teardown stops the pod watch and finishes once; an apply after it does nothing', async () => {
  const { runner, lines } = fakeRunner();
  const fake = fakeObserver();
  let finished = 0;
  const { target } = fakeClusterTarget(runner, fake.observer, { finish: async () => void finished++ });
  await target.up();
  await Promise.all([target.teardown(), target.teardown()]);
  assert.equal(fake.stops(), 1);
  assert.equal(finished, 1);
  assert.equal(await target.rollOut(V2), 'interrupted');
  assert.deepEqual(lines, []);
});

test("a run that sends POSTs follows each ready pod's log, and reads the orders before finish deletes the cluster", async () => {
  const orderLine = (id: string): CommandResult => ({
    code: 0,
    stdout: `${JSON.stringify({ msg: 'order processed', orderId: id })}\n`,
    stderr: '',
  });
  const { runner, lines } = fakeRunner((line) =>
    line === 'kubectl logs -f hello-v1-a'
      ? orderLine('o-1')
      : line === 'kubectl logs hello-v2-a'
        ? orderLine('o-2')
        : undefined,
  );
  const fake = fakeObserver();
  let seenAtFinish: string[] = [];
  const { target } = fakeClusterTarget(runner, fake.observer, {
    finish: async () => void (seenAtFinish = [...lines]),
  });
  const orders = target.recordOrders!();
  await target.up();
  fake.emit({ at: 1, kind: 'ready', pod: 'hello-v1-a', version: '1' });
  fake.emit({ at: 2, kind: 'ready', pod: 'hello-v2-a', version: '2' });
  fake.emit({ at: 3, kind: 'terminating', pod: 'hello-v1-a', version: '1' });
  await target.teardown();
  assert.deepEqual((await orders.processed()).sort(), ['o-1', 'o-2']);
  assert.deepEqual(seenAtFinish, [
    'kubectl logs -f hello-v1-a',
    'kubectl logs -f hello-v2-a',
    'kubectl logs hello-v2-a',
  ]);
});
