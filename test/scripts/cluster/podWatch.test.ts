import type { V1Pod, V1PodList } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RolloutEvent } from '../../../scripts/model.js';
import { MissingPrerequisite } from '../../../scripts/errors.js';
import { watchPods, type PodApi } from '../../../scripts/cluster/podWatch.js';
import { within } from '../../support/until.js';

// The pod watch against an API server that behaves as real ones do: watches that end, 410 Gone for a
// resourceVersion that is too old (as an ERROR event, or as the HTTP status of the watch request),
// BOOKMARKs, refusals (403), and reconnects that fail.

function pod(name: string, resourceVersion: string, options: { ready?: boolean } = {}): V1Pod {
  return {
    metadata: { name, resourceVersion, labels: { app: 'hello' } },
    spec: { containers: [{ name: 'hello', image: 'hello:v1', env: [{ name: 'APP_VERSION', value: '1' }] }] },
    status: { conditions: [{ type: 'Ready', status: options.ready ? 'True' : 'False' }] },
  };
}

interface OpenWatch {
  resourceVersion: string;
  send(type: string, object: unknown): void;
  end(error?: unknown): void;
}

/** A PodApi whose answers each test scripts: lists in order, watches handed to the test as they open. */
function scriptedApi(options: { lists: Array<V1Pod[] | Error>; canWatch?: boolean }) {
  const watches: OpenWatch[] = [];
  const listCalls: number[] = [];
  let waiting: Array<() => void> = [];
  const api: PodApi = {
    async list() {
      listCalls.push(Date.now());
      const next = options.lists.length > 1 ? options.lists.shift()! : options.lists[0]!;
      if (next instanceof Error) throw next;
      return { items: next, metadata: { resourceVersion: String(100 + listCalls.length) } } as V1PodList;
    },
    async canWatch() {
      return options.canWatch ?? true;
    },
    async watch(resourceVersion, onEvent, done) {
      let ended = false;
      watches.push({
        resourceVersion,
        send: (type, object) => onEvent(type, object),
        end(error) {
          if (ended) return;
          ended = true;
          done(error ?? null);
        },
      });
      waiting.forEach((resolve) => resolve());
      waiting = [];
      return { abort: () => undefined };
    },
  };
  const nextWatch = async (count: number) => {
    const opened = (async () => {
      while (watches.length < count) await new Promise<void>((resolve) => waiting.push(resolve));
    })();
    await within(`watch ${count} opening`, opened, 10_000);
    return watches[count - 1]!;
  };
  return { api, watches, listCalls, nextWatch };
}

function collect() {
  const events: RolloutEvent[] = [];
  const log: string[] = [];
  return {
    events,
    log,
    options: {
      onEvent: (e: RolloutEvent) => events.push(e),
      log: (l: string) => log.push(l),
      reconnectDelayMs: 5,
    },
  };
}

const kinds = (events: RolloutEvent[]) =>
  events.map((event) => `${event.kind}${'pod' in event ? ` ${event.pod}` : ''}`);

test('the watch starts from the resourceVersion of the list, and listed pods are reported at once', async () => {
  const { api, nextWatch } = scriptedApi({ lists: [[pod('hello-a', '7', { ready: true })]] });
  const { events, options } = collect();
  const watch = watchPods(api, options);
  await watch.start();
  assert.equal((await nextWatch(1)).resourceVersion, '101');
  assert.deepEqual(kinds(events), ['created hello-a', 'ready hello-a']);
  assert.deepEqual(watch.podCounts(), { ready: 1, terminating: 0 });
  watch.stop();
});

test('a watch that ends resumes from the last BOOKMARK, not from the start', async () => {
  const { api, nextWatch, listCalls } = scriptedApi({ lists: [[]] });
  const { options } = collect();
  const watch = watchPods(api, options);
  await watch.start();
  const first = await nextWatch(1);
  first.send('ADDED', pod('hello-a', '150'));
  first.send('BOOKMARK', { kind: 'Pod', metadata: { resourceVersion: '180' } });
  first.end();
  assert.equal((await nextWatch(2)).resourceVersion, '180');
  assert.equal(listCalls.length, 1, 'no relist for a watch that merely ended');
  watch.stop();
});

test('410 Gone as the HTTP status of the watch request relists, and pods deleted in the gap are reported gone', async () => {
  const { api, nextWatch, listCalls } = scriptedApi({
    lists: [
      [pod('hello-a', '7', { ready: true }), pod('hello-b', '8', { ready: true })],
      [pod('hello-b', '9', { ready: true })],
    ],
  });
  const { events, log, options } = collect();
  const watch = watchPods(api, options);
  await watch.start();
  (await nextWatch(1)).end(Object.assign(new Error('Gone'), { statusCode: 410 }));
  const second = await nextWatch(2);
  assert.equal(listCalls.length, 2, 'listed again');
  assert.equal(second.resourceVersion, '102', 'watching from the new list');
  assert.deepEqual(kinds(events).slice(-2), ['terminating hello-a', 'exited hello-a']);
  assert.deepEqual(watch.podCounts(), { ready: 1, terminating: 0 });
  assert.match(log.join('\n'), /HTTP 410/);
  watch.stop();
});

test('410 Gone as an ERROR event relists too', async () => {
  const { api, nextWatch, listCalls } = scriptedApi({ lists: [[]] });
  const { log, options } = collect();
  const watch = watchPods(api, options);
  await watch.start();
  const first = await nextWatch(1);
  first.send('ERROR', { kind: 'Status', code: 410, message: 'too old resource version: 1 (200)' });
  first.end();
  await nextWatch(2);
  assert.equal(listCalls.length, 2);
  assert.match(log.join('\n'), /410 too old resource version/);
  watch.stop();
});

test('a reconnect that throws is retried, not the end of the watch', async () => {
  const { api, nextWatch } = scriptedApi({ lists: [[]] });
  const { log, options } = collect();
  const watch = watchPods(api, options);
  await watch.start();
  const first = await nextWatch(1);
  // The API server goes away for two attempts, then is back.
  let failing = 2;
  const realWatch = api.watch.bind(api);
  api.watch = async (...args) => {
    if (failing-- > 0)
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6443'), { code: 'ECONNREFUSED' });
    return realWatch(...args);
  };
  first.end(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
  await nextWatch(2);
  assert.equal(
    log.filter((line) => /reconnect failed \(.*ECONNREFUSED/.test(line)).length,
    2,
    log.join('\n'),
  );
  watch.stop();
});

test('an API server that refuses the list fails the start with one line naming why', async () => {
  const forbidden = Object.assign(new Error('HTTP-Code: 403 Message: Unknown API Status Code!'), {
    code: 403,
    body: '{"kind":"Status","message":"pods is forbidden: User \\"viewer\\" cannot list resource \\"pods\\""}',
  });
  const { api } = scriptedApi({ lists: [forbidden] });
  const watch = watchPods(api, collect().options);
  await assert.rejects(watch.start(), (error: Error) => {
    assert.ok(error instanceof MissingPrerequisite, 'the CLI exits 2 on it');
    assert.equal(error.message.split('\n').length, 1);
    assert.match(error.message, /cannot list pods in namespace default: HTTP 403: pods is forbidden/);
    return true;
  });
});

test('a user who may list but not watch pods is told so before the run starts', async () => {
  const { api, watches } = scriptedApi({ lists: [[]], canWatch: false });
  const watch = watchPods(api, collect().options);
  await assert.rejects(watch.start(), /may not watch pods in namespace default/);
  assert.equal(watches.length, 0, 'no watch was opened');
});

test('an unreachable API server fails the start with one line', async () => {
  const refused = Object.assign(
    new Error(
      'request to https://127.0.0.1:6443/api/v1/namespaces/default/pods failed, reason: connect ECONNREFUSED 127.0.0.1:6443',
    ),
    { code: 'ECONNREFUSED' },
  );
  const { api } = scriptedApi({ lists: [refused] });
  await assert.rejects(
    watchPods(api, collect().options).start(),
    /cannot list pods in namespace default: .*ECONNREFUSED/,
  );
});
