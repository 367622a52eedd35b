import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../service/createApp.js';
import { configHash, type GreetingSource } from '../../service/greetingSource.js';
import { createMetrics } from '../../service/metrics.js';
import { createServiceState } from '../../service/serviceState.js';

const hello: GreetingSource = {
  current: () => ({ text: 'Hello', hash: configHash('Hello') }),
  close: () => {},
};

function makeApp(
  overrides: { appVersion?: '1' | '2'; workDelayMs?: number; greeting?: GreetingSource } = {},
) {
  const state = createServiceState();
  const config = {
    appVersion: overrides.appVersion ?? '1',
    workDelayMs: overrides.workDelayMs ?? 20,
    podName: 'pod-a',
  };
  const greeting = overrides.greeting ?? hello;
  const app = createApp({
    config,
    greeting,
    metrics: createMetrics(),
    state,
    logger: pino({ level: 'silent' }),
  });
  return { app, state };
}

test('GET / answers the version 1 message after the work delay, with version and pod headers', async () => {
  const { app } = makeApp({ workDelayMs: 100 });
  const started = performance.now();
  const response = await request(app).get('/');
  assert.ok(performance.now() - started >= 95, 'waited the work delay');
  assert.equal(response.status, 200);
  assert.equal(response.text, '{"message":"Hello from version 1!"}');
  assert.equal(response.headers['x-app-version'], '1');
  assert.equal(response.headers['x-pod-name'], 'pod-a');
  assert.equal(response.headers['x-powered-by'], undefined);
});

test('GET / names the configuration its answer was built from in X-Config-Hash', async () => {
  const { app } = makeApp();
  const response = await request(app).get('/');
  assert.equal(response.headers['x-config-hash'], configHash('Hello'));
  assert.match(configHash('Hello'), /^[0-9a-f]{8}$/);
});

test('GET / builds its answer from the greeting read when the work is done', async (t) => {
  let text = 'Hello';
  const greeting: GreetingSource = { current: () => ({ text, hash: configHash(text) }), close: () => {} };
  const { app } = makeApp({ workDelayMs: 100, greeting });
  const server = app.listen(0, '127.0.0.1');
  t.after(() => server.close());
  // The greeting changes while the request is at work, whatever the machine's speed: an immediate queued
  // as the request arrives runs once the handler has begun its work, and before any timer (the work's
  // end among them) can fire.
  server.on('request', () => setImmediate(() => (text = 'Howdy')));
  const response = await request(server).get('/');
  assert.equal(response.text, '{"message":"Howdy from version 1!"}');
  assert.equal(response.headers['x-config-hash'], configHash('Howdy'));
});

test('GET / answers 500 without a config hash while the configuration is unavailable', async () => {
  const broken: GreetingSource = { current: () => ({ problem: 'cannot read it (ENOENT)' }), close: () => {} };
  const { app } = makeApp({ greeting: broken });
  const response = await request(app).get('/');
  assert.equal(response.status, 500);
  assert.deepEqual(response.body, { error: 'configuration unavailable' });
  assert.equal(response.headers['x-config-hash'], undefined);
  assert.equal((await request(app).get('/health')).status, 200, 'readiness is not about configuration');
});

test('GET / answers the version 2 message in version 2', async () => {
  const { app } = makeApp({ appVersion: '2' });
  const response = await request(app).get('/');
  assert.equal(response.text, '{"message":"Hello from version 2!"}');
  assert.equal(response.headers['x-app-version'], '2');
});

test('serves a thousand overlapping requests at once: the work does not block the event loop', async () => {
  const { app } = makeApp({ workDelayMs: 500 });
  const server = app.listen(0, '127.0.0.1');
  try {
    const started = performance.now();
    const agent = request(server);
    const responses = await Promise.all(Array.from({ length: 1000 }, () => agent.get('/')));
    const elapsed = performance.now() - started;
    assert.ok(responses.every((r) => r.status === 200));
    // Served one at a time, this would take 1000 × 0.5 s. Overlapping, it takes a little over 0.5 s.
    assert.ok(elapsed < 10_000, `took ${Math.round(elapsed)} ms`);
  } finally {
    server.close();
  }
});

test('GET /health answers 200 {"status":"ok"} while running', async () => {
  const { app } = makeApp();
  const response = await request(app).get('/health');
  assert.equal(response.status, 200);
  assert.deepEqual(response.body, { status: 'ok' });
});

test('GET /health answers 503 and every response closes its connection once shutdown begins', async () => {
  const { app, state } = makeApp();
  state.beginShutdown();
  const health = await request(app).get('/health');
  assert.equal(health.status, 503);
  assert.equal(health.headers.connection, 'close');
  const hello = await request(app).get('/');
  assert.equal(hello.status, 200, 'still serves during the drain');
  assert.equal(hello.headers.connection, 'close');
});

test('GET /livez stays 200 during shutdown', async () => {
  const { app, state } = makeApp();
  assert.equal((await request(app).get('/livez')).status, 200);
  state.beginShutdown();
  assert.equal((await request(app).get('/livez')).status, 200);
});

test('GET /metrics exposes request counts and durations by route, status and version, in-flight and shutdown gauges', async () => {
  const { app, state } = makeApp();
  await request(app).get('/');
  await request(app).get('/nope');
  state.beginShutdown();
  const response = await request(app).get('/metrics');
  assert.equal(response.status, 200);
  assert.match(response.headers['content-type'] ?? '', /^text\/plain/);
  const text = response.text;
  assert.match(text, /http_requests_total\{route="\/",method="GET",status="200",version="1"\} 1/);
  assert.match(text, /http_requests_total\{route="unmatched",method="GET",status="404",version="1"\} 1/);
  assert.match(
    text,
    /http_request_duration_seconds_bucket\{le="0.05",route="\/",method="GET",status="200",version="1"\}/,
  );
  assert.match(text, /http_requests_in_flight 1/, 'the /metrics request itself is in flight');
  assert.match(text, /process_cpu_user_seconds_total/);
  assert.match(text, /app_shutting_down 0/, 'the gauge is set by the shutdown sequence, not by the state');
});

test('an unknown route answers 404 JSON', async () => {
  const { app } = makeApp();
  const response = await request(app).get('/nope');
  assert.equal(response.status, 404);
  assert.deepEqual(response.body, { error: 'not found' });
});

for (const [method, path] of [
  ['post', '/'],
  ['delete', '/health'],
  ['put', '/livez'],
  ['patch', '/metrics'],
] as const) {
  test(`${method.toUpperCase()} ${path} answers 405 JSON with Allow`, async () => {
    const { app } = makeApp();
    const response = await request(app)[method](path);
    assert.equal(response.status, 405);
    assert.equal(response.headers.allow, 'GET, HEAD');
    assert.deepEqual(response.body, { error: 'method not allowed' });
  });
}

test('HEAD / is allowed and has no body', async () => {
  const { app } = makeApp();
  const response = await request(app).head('/');
  assert.equal(response.status, 200);
  assert.equal(response.text, undefined);
});

test('no answer to bad input carries a stack trace or X-Powered-By', async () => {
  const { app } = makeApp();
  const agent = request(app);
  const responses = await Promise.all([
    agent.get('/%E0%A4%A'),
    agent.post('/').set('Content-Type', 'application/json').send('{"broken'),
    agent.get('/health?x=' + 'a'.repeat(2000)),
    agent.options('/'),
  ]);
  for (const response of responses) {
    assert.doesNotMatch(response.text ?? '', /\bat .*\.(js|ts):\d+/);
    assert.equal(response.headers['x-powered-by'], undefined);
    assert.ok(response.status < 500, `status ${response.status}`);
  }
});

test('every answer says X-Content-Type-Options: nosniff: 200, 404, 405, 500 and 503 alike', async () => {
  const unavailable: GreetingSource = { current: () => ({ problem: 'gone' }), close: () => {} };
  const { app, state } = makeApp({ greeting: unavailable });
  const agent = request(app);
  const before = await Promise.all([
    agent.get('/'),
    agent.get('/nope'),
    agent.post('/'),
    agent.get('/metrics'),
  ]);
  state.beginShutdown();
  const during = await agent.get('/health');
  const statuses = [...before, during].map((response) => response.status);
  assert.deepEqual(statuses, [500, 404, 405, 200, 503]);
  for (const response of [...before, during]) {
    assert.equal(response.headers['x-content-type-options'], 'nosniff', `on a ${response.status}`);
  }
});
