import assert from 'node:assert/strict';
import { EventEmitter, once } from 'node:events';
import net, { type AddressInfo } from 'node:net';
import { mock, test, type TestContext } from 'node:test';
import { pino } from 'pino';
import request from 'supertest';
import { createApp } from '../../service/createApp.js';
import type { Request, Response } from 'express';
import {
  eventStream,
  FINAL_EVENT_TIMEOUT_MS,
  RECONNECT_EVENT,
  STREAM_INTERVAL_MS,
  STREAM_RETRY_MS,
} from '../../service/eventStream.js';
import { configHash } from '../../service/greetingSource.js';
import { createMetrics } from '../../service/metrics.js';
import { createServiceState } from '../../service/serviceState.js';
import { openStream, type OpenStream } from '../support/eventStreamClient.js';
import { logged, startService } from '../support/serviceProcess.js';
import { until, within } from '../support/until.js';

/** A bound on each test: a stream or a service that never ends fails its test instead of hanging the run. */
const BOUND = { timeout: 60_000 };
/** A bound on each wait for an event: generous, for a starved machine. */
const WAIT_MS = 15_000;
const DATA = (version: string, pod: string) => JSON.stringify({ version, pod });

function makeApp(appVersion: '1' | '2' = '1') {
  const state = createServiceState();
  const app = createApp({
    config: { appVersion, workDelayMs: 20, podName: 'pod-a' },
    greeting: { current: () => ({ text: 'Hello', hash: configHash('Hello') }), close: () => {} },
    metrics: createMetrics(),
    state,
    logger: pino({ level: 'silent' }),
  });
  return { app, state };
}

/** The app on a real port of 127.0.0.1, closed after the test. */
async function listen(t: TestContext, app: ReturnType<typeof makeApp>['app']): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function eventsAtLeast(stream: OpenStream, count: number, what = `${count} event(s)`) {
  await until(what, () => stream.events.length >= count, WAIT_MS);
}

test(
  'GET /stream answers text/event-stream, unbuffered and untransformed, with version and pod headers',
  BOUND,
  async () => {
    const { app, state } = makeApp();
    // Opened during the drain, the stream ends at once (below), so supertest can read it to its end.
    state.beginShutdown();
    const response = await request(app).get('/stream').timeout(WAIT_MS);
    assert.equal(response.status, 200);
    assert.match(response.headers['content-type'] ?? '', /^text\/event-stream/);
    assert.equal(response.headers['cache-control'], 'no-cache, no-transform');
    assert.equal(response.headers['x-accel-buffering'], 'no');
    assert.equal(response.headers['content-encoding'], undefined);
    assert.equal(response.headers['x-app-version'], '1');
    assert.equal(response.headers['x-pod-name'], 'pod-a');
  },
);

test(
  'GET /stream sends an event at once and one more each second, each carrying the version and pod',
  BOUND,
  async (t) => {
    const { app } = makeApp('2');
    const baseUrl = await listen(t, app);
    // The stream's clock is mocked: each second is a tick the test gives, so the count is exact, whatever
    // the machine's speed. (The server's and client's sockets use Node's own timers, not these.)
    mock.timers.enable({ apis: ['setInterval'] });
    t.after(() => mock.timers.reset());
    const stream = await openStream(`${baseUrl}/stream`);
    t.after(() => stream.close());
    await eventsAtLeast(stream, 1, 'the first event');
    for (const count of [2, 3]) {
      mock.timers.tick(STREAM_INTERVAL_MS);
      await eventsAtLeast(stream, count, `event ${count} after another second`);
    }
    assert.deepEqual(
      stream.events,
      [1, 2, 3].map(() => ({ event: 'message', data: DATA('2', 'pod-a') })),
    );
  },
);

test(
  'when shutdown begins, every open stream gets a final reconnect event with retry, then ends cleanly',
  BOUND,
  async (t) => {
    const { app, state } = makeApp();
    const baseUrl = await listen(t, app);
    const streams = await Promise.all([1, 2].map(() => openStream(`${baseUrl}/stream`)));
    await Promise.all(streams.map((stream) => eventsAtLeast(stream, 1)));
    assert.equal(state.inFlight.size, 2, 'an open stream counts as in flight');

    state.beginShutdown();
    for (const stream of streams) {
      assert.equal(await within('the stream to end', stream.ended, WAIT_MS), 'end');
      assert.deepEqual(stream.events.at(-1), {
        event: RECONNECT_EVENT,
        data: DATA('1', 'pod-a'),
        retry: STREAM_RETRY_MS,
      });
      assert.equal(stream.events.filter((e) => e.event === RECONNECT_EVENT).length, 1);
    }
    await until('the ended streams to leave the in-flight set', () => state.inFlight.size === 0, WAIT_MS);
  },
);

test(
  'a stream opened during the drain gets its first event and the reconnect event at once, with Connection: close',
  BOUND,
  async () => {
    const { app, state } = makeApp();
    state.beginShutdown();
    const response = await request(app).get('/stream').timeout(WAIT_MS);
    assert.equal(response.headers.connection, 'close');
    assert.equal(
      response.text,
      `data: ${DATA('1', 'pod-a')}\n\n` +
        `retry: ${STREAM_RETRY_MS}\nevent: ${RECONNECT_EVENT}\ndata: ${DATA('1', 'pod-a')}\n\n`,
    );
  },
);

test(
  'a stream its client hangs up on stops counting as in flight, and shutdown has nothing left to end',
  BOUND,
  async (t) => {
    const { app, state } = makeApp();
    const baseUrl = await listen(t, app);
    const stream = await openStream(`${baseUrl}/stream`);
    await eventsAtLeast(stream, 1);
    stream.close();
    await until('the closed stream to leave the in-flight set', () => state.inFlight.size === 0, WAIT_MS);
    assert.doesNotThrow(() => state.beginShutdown());
  },
);

test(
  'HEAD /stream answers the stream headers and ends: no stream is left running for it',
  BOUND,
  async (t) => {
    const { app, state } = makeApp();
    const baseUrl = await listen(t, app);
    // Over a raw socket the client holds open: an HTTP client reads a HEAD answer as complete once its
    // headers are in and may hang up itself, which would end an unended answer for it. Here only the
    // server's end of the answer (and the close its Connection: close promises) can end it.
    const socket = net.connect(Number(new URL(baseUrl).port), '127.0.0.1');
    t.after(() => socket.destroy());
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk));
    socket.write('HEAD /stream HTTP/1.1\r\nHost: x\r\n\r\n');
    await within('the server to close the connection', once(socket, 'close'), WAIT_MS);
    assert.match(answer, /^HTTP\/1\.1 200 /);
    assert.match(answer, /^content-type: text\/event-stream/im);
    assert.ok(answer.endsWith('\r\n\r\n'), 'headers only, no body');
    assert.equal(state.inFlight.size, 0);
  },
);

test(
  'a stream whose client has stopped reading is cut once its final event has waited 1 s, so it cannot hold the close',
  BOUND,
  (t) => {
    // A client that reads nothing fills its socket, and an ended response then never finishes: the server's
    // close would wait for it until the hard deadline. Real sockets on loopback buffer megabytes, so the
    // response here is a stand-in that never drains, and the clock is mocked.
    mock.timers.enable({ apis: ['setInterval', 'setTimeout'] });
    t.after(() => mock.timers.reset());
    const state = createServiceState();
    const calls: string[] = [];
    const res = Object.assign(new EventEmitter(), {
      writableNeedDrain: true,
      writableEnded: false,
      status: () => res,
      setHeader: () => res,
      flushHeaders: () => {},
      write: () => false,
      end: () => {
        res.writableEnded = true;
        calls.push('end');
      },
      destroy: () => {
        calls.push('destroy');
        res.emit('close');
      },
    });
    const handler = eventStream({ config: { appVersion: '1', podName: 'pod-a' }, state });
    void handler({ method: 'GET' } as Request, res as unknown as Response, () => {});
    state.beginShutdown();
    mock.timers.tick(FINAL_EVENT_TIMEOUT_MS - 1);
    assert.deepEqual(calls, ['end'], 'ended with its final event, still given time to take it');
    mock.timers.tick(1);
    assert.deepEqual(calls, ['end', 'destroy']);
  },
);

test('POST /stream answers 405 JSON with Allow: GET, HEAD', BOUND, async () => {
  const { app } = makeApp();
  const response = await request(app).post('/stream');
  assert.equal(response.status, 405);
  assert.equal(response.headers.allow, 'GET, HEAD');
  assert.deepEqual(response.body, { error: 'method not allowed' });
});

test(
  'three streams open at SIGTERM each get the reconnect event and end cleanly during the drain, and the process exits 0',
  BOUND,
  async (t) => {
    const service = await startService({
      APP_VERSION: '2',
      POD_NAME: 'hello-abc',
      SHUTDOWN_DELAY_MS: '2000',
      SHUTDOWN_TIMEOUT_MS: '3000',
    });
    t.after(() => service.child.kill('SIGKILL'));
    const streams = await Promise.all([1, 2, 3].map(() => openStream(`${service.baseUrl}/stream`)));
    t.after(() => streams.forEach((stream) => stream.close()));
    // Signalled once every stream has its first event: all three are being served.
    await Promise.all(streams.map((stream) => eventsAtLeast(stream, 1)));
    service.child.kill('SIGTERM');

    const endings = await Promise.all(streams.map((s) => within('the stream to end', s.ended, WAIT_MS)));
    assert.deepEqual(endings, ['end', 'end', 'end'], 'ended cleanly, not reset');
    for (const stream of streams) {
      assert.deepEqual(stream.events.at(-1), {
        event: RECONNECT_EVENT,
        data: DATA('2', 'hello-abc'),
        retry: STREAM_RETRY_MS,
      });
    }
    // Ended during the drain: readiness still answers (503), so the server was still accepting.
    const health = await fetch(`${service.baseUrl}/health`);
    assert.equal(health.status, 503);
    await health.body?.cancel();

    assert.equal(await within('the service to exit', service.exited, 30_000), 0);
    // Exit 0 is before the hard deadline (drain + timeout), which exits 1: no stream held the close.
    const signalled = await logged(service, 'signal received');
    const exit = await logged(service, 'exit');
    assert.ok(
      exit.time - signalled.time < 2000 + 3000,
      `exited ${exit.time - signalled.time} ms after SIGTERM`,
    );
    assert.equal(
      service.logs.find((entry) => String(entry.msg).startsWith('shutdown deadline')),
      undefined,
    );
  },
);
