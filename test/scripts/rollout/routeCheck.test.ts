import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { UsageError } from '../../../scripts/errors.js';
import { checkLoadRoutes } from '../../../scripts/rollout/routeCheck.js';
import { startService } from '../../support/serviceProcess.js';

const BOTH = { streams: true, orders: true };

async function serve(handler: http.RequestListener) {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

test(
  'the sample service has both routes: the check passes, opens no stream for long and processes no order',
  { timeout: 30_000 },
  async () => {
    const service = await startService();
    try {
      await checkLoadRoutes(service.baseUrl, BOTH);
      assert.ok(!service.logs.some((entry) => entry.msg === 'order processed'));
    } finally {
      service.child.kill('SIGKILL');
    }
  },
);

test('an app without the stream route: one line naming the flag, the route and what it answered', async (t) => {
  const app = await serve((_req, res) => {
    res.statusCode = 404;
    res.end('not found');
  });
  t.after(app.close);
  await assert.rejects(checkLoadRoutes(app.url, BOTH), (error: Error) => {
    assert.ok(error instanceof UsageError);
    assert.equal(
      error.message,
      `--streams needs GET /stream, which answered 404 on ${app.url}: the service has no such route.`,
    );
    return true;
  });
  await checkLoadRoutes(app.url, { streams: false, orders: false });
});

test('an app whose /orders takes no POST: the line names --mix and the 405', async (t) => {
  const app = await serve((req, res) => {
    res.statusCode = req.method === 'POST' ? 405 : 200;
    res.end();
  });
  t.after(app.close);
  await checkLoadRoutes(app.url, { streams: true, orders: false });
  await assert.rejects(
    checkLoadRoutes(app.url, BOTH),
    /^UsageError: --mix needs POST \/orders, which answered 405 on /,
  );
});
