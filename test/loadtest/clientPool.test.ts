import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ClientPool } from '../../loadtest/clientPool.js';

test('opens at most maxConnecting connections at once, and a new one once one of them has connected', async () => {
  const server = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const pool = new ClientPool(`http://127.0.0.1:${port}`, {}, 2);
  try {
    const first = pool.acquire();
    const second = pool.acquire();
    assert.ok(first && second && first !== second);
    assert.equal(pool.acquire(), undefined, 'a third while two are still opening');
    const connected = once(first, 'connect');
    const answered = first.request({ method: 'GET', path: '/' }).then((r) => r.body.dump());
    await connected;
    const third = pool.acquire();
    assert.ok(third && third !== first && third !== second, 'a new client once the first has connected');
    await answered;
    assert.equal(pool.size, 3);
  } finally {
    await pool.destroy();
    await new Promise((resolve) => server.close(resolve));
  }
});
