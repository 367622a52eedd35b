import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Kubectl } from '../../../scripts/cluster/kubectl.js';
import { followPodOrderLogs } from '../../../scripts/cluster/podOrderLogs.js';
import type { RolloutEvent } from '../../../scripts/model.js';

const order = (id: string): string => JSON.stringify({ level: 30, msg: 'order processed', orderId: id });

/**
 * A cluster's pods as kubectl sees them: each follow is one container's log, which the test writes to and
 * ends (the container exits); `kubectl logs` reads a pod's current container whole.
 */
function fakePods() {
  const containers = new Map<string, { text: string; end: () => void }[]>();
  const calls: string[] = [];
  const kubectl = {
    followLog(pod: string, signal: AbortSignal) {
      calls.push(`logs -f ${pod}`);
      const container = { text: '', end: () => undefined as void };
      containers.set(pod, [...(containers.get(pod) ?? []), container]);
      return new Promise<{ text: string; ok: boolean; error: string }>((resolve) => {
        container.end = () => resolve({ text: container.text, ok: true, error: '' });
        signal.addEventListener('abort', () => container.end());
      });
    },
    async podLog(pod: string) {
      calls.push(`logs ${pod}`);
      return containers.get(pod)!.at(-1)!.text;
    },
  } as unknown as Kubectl;
  const current = (pod: string) => containers.get(pod)!.at(-1)!;
  return {
    kubectl,
    calls,
    logs: (pod: string, line: string) => void (current(pod).text += `${line}\n`),
    exit: (pod: string) => current(pod).end(),
  };
}

const event = (kind: RolloutEvent['kind'], pod: string): RolloutEvent =>
  ({ at: 0, kind, pod, version: pod.includes('v1') ? '1' : '2' }) as RolloutEvent;

test("keeps the orders of a pod that terminated during the run, and reads a live pod's log whole at the end", async () => {
  const pods = fakePods();
  const orders = followPodOrderLogs(pods.kubectl, () => undefined);
  orders.onEvent(event('created', 'hello-v1-a'));
  orders.onEvent(event('ready', 'hello-v1-a'));
  pods.logs('hello-v1-a', order('o-1'));
  orders.onEvent(event('ready', 'hello-v2-a'));
  orders.onEvent(event('terminating', 'hello-v1-a'));
  pods.logs('hello-v1-a', order('o-2'));
  pods.exit('hello-v1-a');
  pods.logs('hello-v2-a', '{"msg":"listening"}');
  pods.logs('hello-v2-a', order('o-3'));
  assert.deepEqual((await orders.collect()).sort(), ['o-1', 'o-2', 'o-3']);
  assert.deepEqual(pods.calls, ['logs -f hello-v1-a', 'logs -f hello-v2-a', 'logs hello-v2-a']);
});

test('a pod is followed once however often it turns ready, and again only after its container restarts', async () => {
  const pods = fakePods();
  const orders = followPodOrderLogs(pods.kubectl, () => undefined);
  orders.onEvent(event('ready', 'hello-v1-a'));
  pods.logs('hello-v1-a', order('o-1'));
  orders.onEvent(event('not-ready', 'hello-v1-a'));
  orders.onEvent(event('ready', 'hello-v1-a'));
  pods.exit('hello-v1-a');
  orders.onEvent(event('restarted', 'hello-v1-a'));
  orders.onEvent(event('ready', 'hello-v1-a'));
  pods.logs('hello-v1-a', order('o-2'));
  // Each id once: two follows of one container would count o-1 twice, a duplicate that never happened.
  assert.deepEqual(await orders.collect(), ['o-1', 'o-2']);
  assert.deepEqual(pods.calls, ['logs -f hello-v1-a', 'logs -f hello-v1-a', 'logs hello-v1-a']);
});

test('says so when a follow ended in an error, and keeps what it had', async () => {
  const logged: string[] = [];
  const kubectl = {
    followLog: async () => ({ text: `${order('o-1')}\n`, ok: false, error: 'error: unexpected EOF' }),
  } as unknown as Kubectl;
  const orders = followPodOrderLogs(kubectl, (line) => logged.push(line));
  orders.onEvent(event('ready', 'hello-v1-a'));
  orders.onEvent(event('exited', 'hello-v1-a'));
  assert.deepEqual(await orders.collect(), ['o-1']);
  assert.deepEqual(logged, ['the log of pod hello-v1-a was not followed to its end (error: unexpected EOF)']);
});
