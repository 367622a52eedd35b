import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RECONNECT_EVENT as SERVICE_RECONNECT_EVENT } from '../../service/eventStream.js';
import { createStreamClients, RECONNECT_EVENT, type StreamClients } from '../../loadtest/streamClients.js';
import { isCut, type StreamSample } from '../../loadtest/streamSample.js';
import { startService, type ServiceProcess } from '../support/serviceProcess.js';
import { until } from '../support/until.js';

// The clients against the compiled service in a child process, stopped with a real SIGTERM.
const BOUND = { timeout: 60_000 };

function clientsOf(service: ServiceProcess, count: number, onStream?: (s: StreamSample) => void) {
  return createStreamClients({
    baseUrl: service.baseUrl,
    count,
    idleTimeoutMs: 5_000,
    maxDurationMs: 50_000,
    ...(onStream ? { onStream } : {}),
  });
}

async function receiving(clients: StreamClients, count: number) {
  await until(`${count} streams receiving events`, () => clients.progress().receiving >= count, 20_000);
}

test('the clients know the final event by the name the service gives it', () => {
  assert.equal(RECONNECT_EVENT, SERVICE_RECONNECT_EVENT);
});

/**
 * Three clients on a service started with `env`: once each receives events, SIGTERM; resolves with the
 * first `count` streams that ended, and the clients' counts.
 */
async function streamsThroughSigterm(env: Record<string, string>, count: number) {
  const service = await startService({ APP_VERSION: '1', SHUTDOWN_DELAY_MS: '4000', ...env });
  const ended: StreamSample[] = [];
  const clients = clientsOf(service, 3, (stream) => ended.push(stream));
  try {
    clients.start();
    await receiving(clients, 3);
    service.child.kill('SIGTERM');
    await until(`${count} streams ended`, () => ended.length >= count, 20_000);
  } finally {
    await clients.stop();
    service.child.kill('SIGKILL');
  }
  return { ended: ended.slice(0, count), progress: clients.progress() };
}

test(
  "a SIGTERM's drain ends every open stream with the final event, and each client reconnects after its retry",
  BOUND,
  async () => {
    // The second streams open during the drain and get the final event at once: each a reconnect gap.
    const { ended } = await streamsThroughSigterm({ POD_NAME: 'pod-a' }, 6);
    const [first, second] = [ended.slice(0, 3), ended.slice(3, 6)];
    assert.deepEqual(
      first.map((s) => [s.end, s.version, s.pod, s.reconnectGapMs]),
      Array(3).fill(['reconnect', '1', 'pod-a', null]),
    );
    assert.ok(first.every((s) => s.eventTimes.length >= 2 && s.firstEventAt === s.eventTimes[0]));
    assert.deepEqual(
      second.map((s) => s.end),
      ['reconnect', 'reconnect', 'reconnect'],
    );
    for (const s of second) {
      // The service's retry is 1 s: the client waited it out before reconnecting (EventSource does the same).
      assert.ok(s.reconnectGapMs !== null && s.reconnectGapMs >= 1000, `gap ${s.reconnectGapMs}`);
    }
  },
);

test(
  'with the stream drain removed (FAULT=no-stream-drain), SIGTERM cuts every stream: each recorded as cut',
  BOUND,
  async () => {
    const { ended, progress } = await streamsThroughSigterm({ FAULT: 'no-stream-drain' }, 3);
    assert.deepEqual(
      ended.map((s) => [isCut(s), s.end]),
      Array(3).fill([true, 'ECONNRESET']),
    );
    assert.ok(progress.cut >= 3);
  },
);

test('stop() ends the open streams as stopped, which is no cut, and opens no more', BOUND, async () => {
  const service = await startService({ APP_VERSION: '2' });
  const clients = clientsOf(service, 4);
  try {
    clients.start();
    await receiving(clients, 4);
    const streams = await clients.stop();
    assert.deepEqual(
      streams.map((s) => [s.end, s.version, isCut(s)]),
      Array(4).fill(['stopped', '2', false]),
    );
    assert.deepEqual(clients.progress(), { open: 0, receiving: 0, ended: 4, cut: 0 });
  } finally {
    service.child.kill('SIGKILL');
  }
});

test(
  'a stream that cannot connect is recorded as cut with the reason, and the client keeps trying',
  BOUND,
  async () => {
    // A port nothing listens on: the service started and stopped on it.
    const service = await startService();
    service.child.kill('SIGKILL');
    await service.exited;
    const clients = clientsOf(service, 1);
    clients.start();
    await until('two refused attempts', () => clients.progress().ended >= 2, 20_000);
    const streams = await clients.stop();
    assert.deepEqual(
      streams.slice(0, 2).map((s) => [s.end, s.firstEventAt, isCut(s)]),
      Array(2).fill(['ECONNREFUSED', null, true]),
    );
  },
);
