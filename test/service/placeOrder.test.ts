import assert from 'node:assert/strict';
import { test } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import { request as undiciRequest } from 'undici';
import { createApp } from '../../service/createApp.js';
import { configHash } from '../../service/greetingSource.js';
import { createMetrics } from '../../service/metrics.js';
import { createServiceState } from '../../service/serviceState.js';
import { logged, servingAtLeast, startService } from '../support/serviceProcess.js';
import { within } from '../support/until.js';

/** A bound on each test: a request or a service that never ends fails its test instead of hanging the run. */
const BOUND = { timeout: 60_000 };

/** The app with a logger whose lines the test reads, as the service's own logger writes them. */
function makeApp(workDelayMs = 20) {
  const state = createServiceState();
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { base: { version: '1', pod: 'pod-a' } },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  );
  const app = createApp({
    config: { appVersion: '1', workDelayMs, podName: 'pod-a' },
    greeting: { current: () => ({ text: 'Hello', hash: configHash('Hello') }), close: () => {} },
    metrics: createMetrics(),
    state,
    logger,
  });
  const processed = () => lines.filter((line) => line.msg === 'order processed');
  return { app, state, processed };
}

test(
  'POST /orders with an id answers 201 with the id, version and pod after the work delay',
  BOUND,
  async () => {
    const { app } = makeApp(100);
    const started = performance.now();
    const response = await request(app).post('/orders').send({ id: 'order-1' });
    assert.ok(performance.now() - started >= 95, 'waited the work delay');
    assert.equal(response.status, 201);
    assert.deepEqual(response.body, { id: 'order-1', version: '1', pod: 'pod-a' });
    assert.equal(response.headers['x-app-version'], '1');
    assert.equal(response.headers['x-pod-name'], 'pod-a');
  },
);

test(
  'a processed order is logged in exactly one line, with its id, version and pod, before it is answered',
  BOUND,
  async () => {
    const { app, processed } = makeApp();
    const response = await request(app).post('/orders').send({ id: 'run-7:42' });
    assert.equal(response.status, 201);
    assert.equal(processed().length, 1);
    assert.deepEqual(
      processed().map(({ orderId, version, pod }) => ({ orderId, version, pod })),
      [{ orderId: 'run-7:42', version: '1', pod: 'pod-a' }],
    );
  },
);

test(
  'the same id posted twice is processed twice, and logged twice: orders are not deduplicated',
  BOUND,
  async () => {
    const { app, processed } = makeApp();
    const agent = request(app);
    assert.equal((await agent.post('/orders').send({ id: 'again' })).status, 201);
    assert.equal((await agent.post('/orders').send({ id: 'again' })).status, 201);
    assert.deepEqual(
      processed().map((line) => line.orderId),
      ['again', 'again'],
    );
  },
);

for (const [what, send] of [
  ['no body', (r: request.Test) => r],
  ['an empty object', (r: request.Test) => r.send({})],
  ['an empty id', (r: request.Test) => r.send({ id: '' })],
  ['a number for an id', (r: request.Test) => r.send({ id: 42 })],
  ['an id with a space', (r: request.Test) => r.send({ id: 'a b' })],
  ['an id of 129 characters', (r: request.Test) => r.send({ id: 'x'.repeat(129) })],
  ['an array', (r: request.Test) => r.send([{ id: 'a' }])],
  ['a body that is not JSON', (r: request.Test) => r.type('text/plain').send('id=a')],
] as const) {
  test(
    `POST /orders with ${what} answers 400 with a plain JSON error and processes nothing`,
    BOUND,
    async () => {
      const { app, processed } = makeApp();
      const response = await send(request(app).post('/orders'));
      assert.equal(response.status, 400);
      assert.match(response.headers['content-type'] ?? '', /^application\/json/);
      assert.match(String(response.body.error), /^invalid order: id must be 1 to 128 characters/);
      assert.deepEqual(processed(), []);
    },
  );
}

test(
  'POST /orders with malformed JSON or an oversized body answers 400 or 413 without a stack trace',
  BOUND,
  async () => {
    const { app, processed } = makeApp();
    const agent = request(app);
    const malformed = await agent.post('/orders').type('application/json').send('{"id');
    const oversized = await agent.post('/orders').send({ id: 'a', padding: 'x'.repeat(2000) });
    assert.deepEqual(
      [malformed.status, oversized.status, malformed.body, oversized.body],
      [400, 413, { error: 'bad request' }, { error: 'bad request' }],
    );
    for (const response of [malformed, oversized]) assert.doesNotMatch(response.text, /\bat .*\.(js|ts):\d+/);
    assert.deepEqual(processed(), []);
  },
);

test('GET /orders answers 405 JSON with Allow: POST', BOUND, async () => {
  const { app } = makeApp();
  const response = await request(app).get('/orders');
  assert.equal(response.status, 405);
  assert.equal(response.headers.allow, 'POST');
  assert.deepEqual(response.body, { error: 'method not allowed' });
});

test(
  'POST /orders during the drain is still processed and answered, with Connection: close',
  BOUND,
  async () => {
    const { app, state, processed } = makeApp();
    state.beginShutdown();
    const response = await request(app).post('/orders').send({ id: 'late' });
    assert.equal(response.status, 201);
    assert.equal(response.headers.connection, 'close');
    assert.deepEqual(
      processed().map((line) => line.orderId),
      ['late'],
    );
  },
);

async function post(url: string, body: unknown) {
  const response = await undiciRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.statusCode, body: (await response.body.json()) as Record<string, unknown> };
}

test(
  'an order in flight at SIGTERM completes with 201, its processed line is logged, and the process exits 0',
  BOUND,
  async (t) => {
    const service = await startService({
      // Version 1's own work, 2 s: long enough that the order is still at work when SIGTERM lands.
      POD_NAME: 'hello-abc',
      SHUTDOWN_DELAY_MS: '300',
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    t.after(() => service.child.kill('SIGKILL'));
    const pending = post(`${service.baseUrl}/orders`, { id: 'in-flight-1' });
    await servingAtLeast(service, 1);
    service.child.kill('SIGTERM');
    const response = await within('the order to be answered', pending, 30_000);
    assert.deepEqual(response, {
      status: 201,
      body: { id: 'in-flight-1', version: '1', pod: 'hello-abc' },
    });
    assert.equal(await within('the service to exit', service.exited, 30_000), 0);
    const line = await logged(service, 'order processed');
    assert.deepEqual(
      { orderId: line.orderId, version: line.version, pod: line.pod },
      { orderId: 'in-flight-1', version: '1', pod: 'hello-abc' },
    );
    assert.equal(service.logs.filter((entry) => entry.msg === 'order processed').length, 1);
    assert.ok(
      line.time >= (await logged(service, 'signal received')).time,
      'processed after SIGTERM: it was in flight',
    );
  },
);

test('an order that arrives during the drain is processed, logged and answered', BOUND, async (t) => {
  const service = await startService({ WORK_DELAY_MS: '50', SHUTDOWN_DELAY_MS: '1500' });
  t.after(() => service.child.kill('SIGKILL'));
  service.child.kill('SIGTERM');
  await logged(service, 'signal received');
  const response = await post(`${service.baseUrl}/orders`, { id: 'during-drain' });
  assert.equal(response.status, 201);
  assert.equal((await logged(service, 'order processed')).orderId, 'during-drain');
  assert.equal(await within('the service to exit', service.exited, 30_000), 0);
});
