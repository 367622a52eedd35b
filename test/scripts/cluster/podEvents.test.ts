import type { V1Pod } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { podChanges, podState, podVersion } from '../../../scripts/cluster/podEvents.js';

function pod(options: {
  ready?: boolean;
  deleting?: boolean;
  restarts?: number;
  stopped?: boolean;
  env?: string;
  image?: string;
}): V1Pod {
  return {
    metadata: {
      name: 'hello-abc',
      ...(options.deleting ? { deletionTimestamp: new Date() } : {}),
    },
    spec: {
      containers: [
        {
          name: 'hello',
          image: options.image ?? 'hello:v2',
          env: options.env ? [{ name: 'APP_VERSION', value: options.env }] : [],
        },
      ],
    },
    status: {
      conditions: [{ type: 'Ready', status: options.ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'hello',
          image: 'hello:v2',
          imageID: '',
          ready: Boolean(options.ready),
          restartCount: options.restarts ?? 0,
          ...(options.stopped ? { state: { terminated: { exitCode: 0, reason: 'Completed' } } } : {}),
          ...(options.restarts ? { lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } } : {}),
        },
      ],
    },
  };
}

const kinds = (events: ReturnType<typeof podChanges>) => events.map((event) => event.kind);

test('reads the version from APP_VERSION, else from the image tag', () => {
  assert.equal(podVersion(pod({ env: '1', image: 'hello:v2' })), '1');
  assert.equal(podVersion(pod({ image: 'registry:5000/team/hello:v2' })), '2');
  assert.equal(podVersion(pod({ image: 'hello' })), 'unknown');
});

test('a new pod is created, then ready', () => {
  const created = podState(pod({}));
  assert.deepEqual(kinds(podChanges(undefined, created, 1)), ['created']);
  assert.deepEqual(kinds(podChanges(created, podState(pod({ ready: true })), 2)), ['ready']);
});

test('a pod with a deletionTimestamp is terminating, and leaves readiness', () => {
  const ready = podState(pod({ ready: true }));
  const events = podChanges(ready, podState(pod({ deleting: true })), 3);
  assert.deepEqual(kinds(events), ['terminating', 'not-ready']);
  assert.deepEqual(events[0], { at: 3, kind: 'terminating', pod: 'hello-abc', version: '2' });
});

test('a DELETED pod has exited', () => {
  const terminating = podState(pod({ deleting: true }));
  assert.deepEqual(kinds(podChanges(terminating, null, 4)), ['exited']);
  assert.deepEqual(kinds(podChanges(podState(pod({ ready: true })), null, 4)), ['terminating', 'exited']);
});

test('a terminating pod has exited when the kubelet reports its container stopped, not later when the object goes', () => {
  const terminating = podState(pod({ deleting: true }));
  const stopped = podState(pod({ deleting: true, stopped: true }));
  assert.deepEqual(podChanges(terminating, stopped, 5), [
    { at: 5, kind: 'exited', pod: 'hello-abc', version: '2', detail: 'exit 0 (Completed)' },
  ]);
  assert.deepEqual(kinds(podChanges(stopped, null, 6)), [], 'DELETED after that says nothing new');
});

test('a higher restartCount is a restart, with how the container ended', () => {
  const events = podChanges(podState(pod({ ready: true })), podState(pod({ ready: true, restarts: 1 })), 5);
  assert.deepEqual(events, [
    { at: 5, kind: 'restarted', pod: 'hello-abc', version: '2', detail: 'exit 137 (OOMKilled)' },
  ]);
});

test('seeing the same pod again (a watch reconnect) yields nothing', () => {
  const ready = podState(pod({ ready: true }));
  assert.deepEqual(podChanges(ready, podState(pod({ ready: true })), 6), []);
});
