import assert from 'node:assert/strict';
import { afterEach, beforeEach, mock, test } from 'node:test';

import { createEndpoints, type Endpoint } from '../../../../scripts/targets/local/endpoints.js';

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

const pods = (view: readonly Endpoint[]): string[] => view.map((e) => `${e.pod}:${e.port}`);

test('with lag 0 a change is visible to the proxy at once', () => {
  const endpoints = createEndpoints({ propagationLagMs: 0 });
  endpoints.setReady('a', 1001);
  assert.deepEqual(pods(endpoints.current()), ['a:1001']);
  endpoints.remove('a');
  assert.deepEqual(pods(endpoints.current()), []);
});

test('a pod that turned ready reaches the proxy only once the lag has passed', () => {
  const endpoints = createEndpoints({ propagationLagMs: 1000 });
  endpoints.setReady('a', 1001);
  assert.deepEqual(pods(endpoints.desired()), ['a:1001'], 'the control plane knows at once');
  mock.timers.tick(999);
  assert.deepEqual(pods(endpoints.current()), []);
  mock.timers.tick(1);
  assert.deepEqual(pods(endpoints.current()), ['a:1001']);
  endpoints.close();
});

test('a removed pod keeps getting new connections until the lag has passed', () => {
  const endpoints = createEndpoints({ propagationLagMs: 1000 });
  endpoints.setReady('a', 1001);
  endpoints.setReady('b', 1002);
  mock.timers.tick(1000);
  endpoints.remove('a');
  assert.deepEqual(pods(endpoints.desired()), ['b:1002']);
  mock.timers.tick(999);
  assert.deepEqual(pods(endpoints.current()), ['a:1001', 'b:1002']);
  mock.timers.tick(1);
  assert.deepEqual(pods(endpoints.current()), ['b:1002']);
  endpoints.close();
});

test('changes become visible in the order they were made, each after its own lag', () => {
  const seen: string[][] = [];
  const endpoints = createEndpoints({ propagationLagMs: 1000, onChange: (view) => seen.push(pods(view)) });
  endpoints.setReady('a', 1001);
  mock.timers.tick(400);
  endpoints.remove('a');
  endpoints.setReady('b', 1002);
  mock.timers.tick(600);
  assert.deepEqual(seen, [['a:1001']], 'at 1000 ms only the first change is visible');
  mock.timers.tick(400);
  assert.deepEqual(seen, [['a:1001'], [], ['b:1002']]);
  endpoints.close();
});

test('a pod that is ready again keeps its place, and a repeated change notifies nobody', () => {
  const seen: string[][] = [];
  const endpoints = createEndpoints({ propagationLagMs: 0, onChange: (view) => seen.push(pods(view)) });
  endpoints.setReady('a', 1001);
  endpoints.setReady('b', 1002);
  endpoints.setReady('a', 1001);
  endpoints.remove('nobody');
  endpoints.setReady('a', 1003);
  assert.deepEqual(seen, [['a:1001'], ['a:1001', 'b:1002'], ['a:1003', 'b:1002']]);
});

test('close() drops the changes still in flight', () => {
  const seen: string[][] = [];
  const endpoints = createEndpoints({ propagationLagMs: 1000, onChange: (view) => seen.push(pods(view)) });
  endpoints.setReady('a', 1001);
  endpoints.close();
  mock.timers.tick(5000);
  assert.deepEqual(seen, []);
  assert.deepEqual(pods(endpoints.current()), []);
  endpoints.setReady('b', 1002);
  assert.deepEqual(pods(endpoints.desired()), ['a:1001'], 'changes after close() are ignored');
});

test('a negative or non-numeric lag is refused with a plain message', () => {
  assert.throws(() => createEndpoints({ propagationLagMs: -1 }), /propagationLagMs must be a number >= 0/);
  assert.throws(() => createEndpoints({ propagationLagMs: Number.NaN }), /propagationLagMs/);
});
