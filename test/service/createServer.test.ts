import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createServer, DEFAULT_TIMEOUTS } from '../../service/createServer.js';

const server = createServer((_req, res) => res.end('ok'), {
  ...DEFAULT_TIMEOUTS,
  headersTimeoutMs: 500,
  connectionsCheckingIntervalMs: 100,
});
let port = 0;
before(async () => {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  port = (server.address() as net.AddressInfo).port;
});
after(() => server.close());

/** Sends raw bytes and resolves with everything the server answered before closing. */
async function rawExchange(
  bytes: string,
  keepOpenMs = 0,
): Promise<{ answer: string; closedAfterMs: number }> {
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const started = performance.now();
  socket.write(bytes);
  if (keepOpenMs) setTimeout(() => socket.destroy(), keepOpenMs).unref();
  let answer = '';
  socket.on('data', (chunk) => (answer += chunk));
  await once(socket, 'close');
  return { answer, closedAfterMs: performance.now() - started };
}

test('malformed HTTP gets 400', async () => {
  const { answer } = await rawExchange('NOT HTTP AT ALL\r\n\r\n');
  assert.match(answer, /^HTTP\/1\.1 400 /);
});

test('headers over the size limit get 431', async () => {
  const { answer } = await rawExchange(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
  assert.match(answer, /^HTTP\/1\.1 431 /);
});

test('a client that sends its headers too slowly is cut off with 408', async () => {
  const clientGivesUpMs = 5000;
  const { answer, closedAfterMs } = await rawExchange('GET / HTTP/1.1\r\nHost: x\r\n', clientGivesUpMs);
  assert.match(answer, /^HTTP\/1\.1 408 /);
  // No sooner than its headers timeout (500 ms), and the server's doing: before the client gives up.
  assert.ok(
    closedAfterMs >= 450 && closedAfterMs < clientGivesUpMs,
    `closed after ${Math.round(closedAfterMs)} ms`,
  );
});

test('sets the keep-alive, headers and request timeouts it documents', () => {
  const real = createServer(() => {});
  assert.equal(real.keepAliveTimeout, 65_000);
  assert.equal(real.headersTimeout, 10_000);
  assert.equal(real.requestTimeout, 30_000);
});
