import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, request } from 'undici';
import { runServiceToExit, startService } from '../support/serviceProcess.js';

// Each test runs the compiled service as a child process and talks to it over real sockets.

async function get(url: string, dispatcher?: Agent) {
  const response = await request(url, dispatcher ? { dispatcher } : {});
  const body = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body };
}

test('requests in flight at SIGTERM all complete with 200, and the process exits 0', async () => {
  const service = await startService({
    WORK_DELAY_MS: '1000',
    SHUTDOWN_DELAY_MS: '300',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const inFlight = Array.from({ length: 20 }, () => get(`${service.baseUrl}/`));
  await sleep(100);
  service.child.kill('SIGTERM');
  const responses = await Promise.all(inFlight);
  assert.deepEqual(
    responses.map((r) => r.status),
    responses.map(() => 200),
  );
  assert.equal(await service.exited, 0);
});

test('/health answers 503 within 100 ms of SIGTERM while / still answers, every response with Connection: close', async () => {
  const service = await startService({ WORK_DELAY_MS: '50', SHUTDOWN_DELAY_MS: '1500' });
  service.child.kill('SIGTERM');
  const signalledAt = performance.now();
  let health = await get(`${service.baseUrl}/health`);
  while (health.status === 200 && performance.now() - signalledAt < 1000)
    health = await get(`${service.baseUrl}/health`);
  const unreadyAfterMs = performance.now() - signalledAt;
  assert.equal(health.status, 503);
  assert.ok(unreadyAfterMs < 100, `503 after ${Math.round(unreadyAfterMs)} ms`);
  assert.equal(health.headers.connection, 'close');

  const hello = await get(`${service.baseUrl}/`);
  assert.equal(hello.status, 200, '/ is still served during the drain');
  assert.equal(hello.headers.connection, 'close');
  assert.equal((await get(`${service.baseUrl}/livez`)).status, 200, 'liveness stays 200 during the drain');
  assert.equal(await service.exited, 0);
});

test('a request that arrived before SIGTERM is answered with Connection: close if answered during the drain', async () => {
  const service = await startService({ WORK_DELAY_MS: '400', SHUTDOWN_DELAY_MS: '1000' });
  const pending = get(`${service.baseUrl}/`);
  await sleep(100);
  service.child.kill('SIGTERM');
  const response = await pending;
  assert.equal(response.status, 200);
  assert.equal(response.headers.connection, 'close');
  assert.equal(await service.exited, 0);
});

test('a keep-alive client sending requests back to back through the whole shutdown sees no reset', async () => {
  const service = await startService({ WORK_DELAY_MS: '20', SHUTDOWN_DELAY_MS: '800' });
  const agent = new Agent({ keepAliveTimeout: 30_000, connections: 4 });
  const results: Array<{ status: number } | { error: string }> = [];
  let signalled = false;
  const deadline = performance.now() + 5000;
  // A bounded loop: it stops when the service has gone (its port refuses) or after 5 s.
  while (performance.now() < deadline) {
    try {
      const response = await get(`${service.baseUrl}/`, agent);
      results.push({ status: response.status });
    } catch (error) {
      const code = (error as { code?: string }).code ?? String(error);
      results.push({ error: code });
      if (code === 'ECONNREFUSED') break;
    }
    if (!signalled && results.length === 5) {
      service.child.kill('SIGTERM');
      signalled = true;
    }
  }
  await agent.close();
  const errors = results.filter((r) => 'error' in r).map((r) => (r as { error: string }).error);
  assert.ok(results.filter((r) => 'status' in r && r.status === 200).length > 10, 'served during the drain');
  assert.deepEqual(
    errors.filter((code) => code !== 'ECONNREFUSED'),
    [],
    'the only error is the refusal after the process exited',
  );
  assert.equal(await service.exited, 0);
});

test('SIGTERM to exit takes the drain delay plus the longest in-flight request, and little more', async () => {
  const service = await startService({
    WORK_DELAY_MS: '700',
    SHUTDOWN_DELAY_MS: '500',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const pending = get(`${service.baseUrl}/`);
  await sleep(50);
  const signalledAt = performance.now();
  service.child.kill('SIGTERM');
  assert.equal((await pending).status, 200);
  assert.equal(await service.exited, 0);
  const elapsed = performance.now() - signalledAt;
  // The request has ~650 ms left at SIGTERM; the drain is 500 ms: exit at max(500, 650) plus start-up slack.
  assert.ok(elapsed >= 500, `exited after ${Math.round(elapsed)} ms, before the drain ended`);
  assert.ok(elapsed < 650 + 500, `exited after ${Math.round(elapsed)} ms`);
});

test('SIGINT shuts down gracefully too', async () => {
  const service = await startService({ WORK_DELAY_MS: '300', SHUTDOWN_DELAY_MS: '100' });
  const pending = get(`${service.baseUrl}/`);
  await sleep(50);
  service.child.kill('SIGINT');
  assert.equal((await pending).status, 200);
  assert.equal(await service.exited, 0);
});

test('past the hard deadline it exits 1 and logs the requests still open', async () => {
  const service = await startService({
    WORK_DELAY_MS: '5000',
    SHUTDOWN_DELAY_MS: '200',
    SHUTDOWN_TIMEOUT_MS: '300',
  });
  const pending = get(`${service.baseUrl}/`).catch((error: Error) => error);
  await sleep(50);
  const signalledAt = performance.now();
  service.child.kill('SIGTERM');
  assert.equal(await service.exited, 1);
  const elapsed = performance.now() - signalledAt;
  assert.ok(elapsed >= 480 && elapsed < 1500, `exited after ${Math.round(elapsed)} ms`);
  const deadlineLog = service.logs.find((entry) => String(entry.msg).startsWith('shutdown deadline passed'));
  assert.ok(deadlineLog, 'logged the deadline');
  assert.deepEqual(
    (deadlineLog.open as Array<{ method: string; url: string }>).map((r) => `${r.method} ${r.url}`),
    ['GET /'],
  );
  assert.ok((await pending) instanceof Error, 'the request still open was cut');
});

test('logs started, ready, signal received, drain begun, server closed and exit, each with version and pod', async () => {
  const service = await startService({ APP_VERSION: '2', POD_NAME: 'hello-xyz', SHUTDOWN_DELAY_MS: '50' });
  service.child.kill('SIGTERM');
  assert.equal(await service.exited, 0);
  const messages = service.logs.map((entry) => String(entry.msg));
  for (const expected of ['started', 'ready', 'signal received', 'drain begun', 'server closed', 'exit']) {
    assert.ok(
      messages.some((m) => m.startsWith(expected)),
      `missing "${expected}" in ${JSON.stringify(messages)}`,
    );
  }
  assert.ok(service.logs.every((entry) => entry.version === '2' && entry.pod === 'hello-xyz'));
});

test('a bad setting stops the service with exit 2 and one line naming it', async () => {
  const { code, stderr } = await runServiceToExit({ SHUTDOWN_DELAY_MS: 'soon' });
  assert.equal(code, 2);
  assert.equal(
    stderr,
    'Invalid SHUTDOWN_DELAY_MS="soon": expected a whole number of milliseconds from 0 to 600000.\n',
  );
});

test('STARTUP_DELAY_MS holds off listening for that long', async () => {
  const startedAt = performance.now();
  const service = await startService({ STARTUP_DELAY_MS: '600', SHUTDOWN_DELAY_MS: '0' });
  assert.ok(performance.now() - startedAt >= 600, 'ready before the start-up delay ended');
  service.child.kill('SIGTERM');
  assert.equal(await service.exited, 0);
});
