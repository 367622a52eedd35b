import assert from 'node:assert/strict';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { createServer, DEFAULT_LIMITS, DEFAULT_TIMEOUTS } from '../../service/createServer.js';

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
  target = port,
): Promise<{ answer: string; closedAfterMs: number }> {
  const socket = net.connect(target, '127.0.0.1');
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

/** Sends GET / on one socket, one after another, and returns each answer's head. */
async function answersOnOneSocket(target: number, count: number): Promise<string[]> {
  const socket = net.connect(target, '127.0.0.1');
  await once(socket, 'connect');
  let buffered = '';
  socket.on('data', (chunk) => (buffered += chunk));
  const heads: string[] = [];
  for (let i = 0; i < count; i++) {
    socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n');
    // Each answer is a head and the two-byte body 'ok'.
    while (!/\r\n\r\nok/.test(buffered)) await once(socket, 'data');
    const end = buffered.indexOf('\r\n\r\nok');
    heads.push(buffered.slice(0, end));
    buffered = buffered.slice(end + 6);
  }
  socket.destroy();
  return heads;
}

test('a keep-alive connection carries maxRequestsPerSocket requests, the last one announcing Connection: close', async (t) => {
  const limited = createServer((_req, res) => res.end('ok'), DEFAULT_TIMEOUTS, {
    ...DEFAULT_LIMITS,
    maxRequestsPerSocket: 3,
  });
  limited.listen(0, '127.0.0.1');
  await once(limited, 'listening');
  t.after(() => limited.close());
  const heads = await answersOnOneSocket((limited.address() as net.AddressInfo).port, 3);
  assert.deepEqual(
    heads.map((head) => /^connection: (\S+)/im.exec(head)?.[1]),
    ['keep-alive', 'keep-alive', 'close'],
  );
});

test('past maxConnections a new connection is closed unanswered, and the ones held are still served', async (t) => {
  const limited = createServer((_req, res) => res.end('ok'), DEFAULT_TIMEOUTS, {
    ...DEFAULT_LIMITS,
    maxConnections: 2,
  });
  limited.listen(0, '127.0.0.1');
  await once(limited, 'listening');
  t.after(() => limited.close());
  const target = (limited.address() as net.AddressInfo).port;
  const held = [net.connect(target, '127.0.0.1'), net.connect(target, '127.0.0.1')];
  t.after(() => held.forEach((socket) => socket.destroy()));
  // Counted from the server's side: a connection is held once the server has accepted it.
  while ((await new Promise<number>((resolve) => limited.getConnections((_e, n) => resolve(n)))) < 2) {
    await once(limited, 'connection');
  }
  const dropped = once(limited, 'drop');
  const { answer } = await rawExchange('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 0, target);
  await dropped;
  assert.equal(answer, '', 'the third connection got no answer');
  const heads = await Promise.all(
    held.map(async (socket) => {
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      await once(socket, 'end');
      return text;
    }),
  );
  for (const text of heads) assert.match(text, /^HTTP\/1\.1 200 /);
});

test('sets the request and connection limits it documents', () => {
  const real = createServer(() => {});
  assert.equal(real.maxRequestsPerSocket, 1000);
  assert.equal(real.maxConnections, 5000);
});
