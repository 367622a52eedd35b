import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Agent, request } from 'undici';
import { logged, runServiceToExit, servingAtLeast, startService } from '../support/serviceProcess.js';

// Each test runs the compiled service as a child process and talks to it over real sockets. A signal
// goes out once the service is serving the requests it is about (its in-flight gauge says so), never
// after a sleep; durations are read from the service's own log times, which leave out how long the
// signal took to arrive and the process took to go.

/** A bound on each test: a service that never exits fails its test instead of hanging the run. */
const BOUND = { timeout: 60_000 };
/** Node's timers run on the loop's whole-millisecond clock: one can fire a hair early. */
const EARLY_MS = 2;

async function get(url: string, dispatcher?: Agent) {
  const response = await request(url, dispatcher ? { dispatcher } : {});
  const body = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body };
}

test('requests in flight at SIGTERM all complete with 200, and the process exits 0', BOUND, async () => {
  const service = await startService({
    WORK_DELAY_MS: '1000',
    SHUTDOWN_DELAY_MS: '300',
    SHUTDOWN_TIMEOUT_MS: '5000',
  });
  const inFlight = Array.from({ length: 20 }, () => get(`${service.baseUrl}/`));
  await servingAtLeast(service, 20);
  service.child.kill('SIGTERM');
  const responses = await Promise.all(inFlight);
  assert.deepEqual(
    responses.map((r) => r.status),
    responses.map(() => 200),
  );
  assert.equal(await service.exited, 0);
});

test(
  '/health answers 503 from the moment the service has SIGTERM while / still answers, every response with Connection: close',
  BOUND,
  async () => {
    const service = await startService({ WORK_DELAY_MS: '50', SHUTDOWN_DELAY_MS: '1500' });
    service.child.kill('SIGTERM');
    // The first /health after the service says it has the signal: readiness must have flipped already.
    await logged(service, 'signal received');
    const health = await get(`${service.baseUrl}/health`);
    assert.equal(health.status, 503);
    assert.equal(health.headers.connection, 'close');

    const hello = await get(`${service.baseUrl}/`);
    assert.equal(hello.status, 200, '/ is still served during the drain');
    assert.equal(hello.headers.connection, 'close');
    assert.equal((await get(`${service.baseUrl}/livez`)).status, 200, 'liveness stays 200 during the drain');
    assert.equal(await service.exited, 0);
  },
);

test(
  'a request that arrived before SIGTERM is answered with Connection: close if answered during the drain',
  BOUND,
  async () => {
    const service = await startService({ WORK_DELAY_MS: '400', SHUTDOWN_DELAY_MS: '1000' });
    const pending = get(`${service.baseUrl}/`);
    await servingAtLeast(service, 1);
    service.child.kill('SIGTERM');
    const response = await pending;
    assert.equal(response.status, 200);
    assert.equal(response.headers.connection, 'close');
    assert.equal(await service.exited, 0);
  },
);

test(
  'a keep-alive client sending requests back to back through the whole drain sees no reset',
  BOUND,
  async () => {
    const service = await startService({ WORK_DELAY_MS: '20', SHUTDOWN_DELAY_MS: '800' });
    const agent = new Agent({ keepAliveTimeout: 30_000, connections: 4 });
    const results: Array<
      { startedAt: number } & ({ status: number; connection: string } | { error: string })
    > = [];
    let signalled = false;
    const deadline = performance.now() + 30_000;
    // A bounded loop: it stops when the service has gone (its port refuses), or fails after 30 s.
    while (performance.now() < deadline) {
      const startedAt = Date.now();
      try {
        const response = await get(`${service.baseUrl}/`, agent);
        results.push({ startedAt, status: response.status, connection: String(response.headers.connection) });
      } catch (error) {
        const code = (error as { code?: string }).code ?? String(error);
        results.push({ startedAt, error: code });
        if (code === 'ECONNREFUSED') break;
      }
      if (!signalled && results.length === 5) {
        service.child.kill('SIGTERM');
        signalled = true;
      }
    }
    await agent.close();
    assert.equal(
      (results.at(-1) as { error?: string }).error,
      'ECONNREFUSED',
      'the loop ran until the service had gone',
    );
    // Connection: close is the drain's mark: these were answered after SIGTERM, before the exit.
    assert.ok(
      results.some((r) => 'status' in r && r.status === 200 && r.connection === 'close'),
      'served during the drain',
    );
    // Through the drain, nothing fails. At its end the listener closes, and a connection this client opens in
    // that instant is cut: in a cluster no new connection reaches the pod by then (its endpoint left at the
    // drain's start), but this client keeps connecting to the pod itself. So a failure other than the refusal
    // may only be a request begun once the drain was over (the service's own clock; the same machine's), 5 ms
    // allowed for the instant between its log line and the close.
    const drainOverAt = Number(
      service.logs.find((entry) => String(entry.msg).startsWith('drain over'))?.time,
    );
    assert.ok(Number.isFinite(drainOverAt), 'the service logged the end of its drain');
    const cut = results.filter((r) => 'error' in r && r.error !== 'ECONNREFUSED');
    assert.ok(
      cut.every((r) => r.startedAt >= drainOverAt - 5),
      `a request failed during the drain: ${JSON.stringify(cut)} (drain over at ${drainOverAt})`,
    );
    assert.ok(cut.length <= 1, `more than the one request racing the close failed: ${JSON.stringify(cut)}`);
    assert.equal(await service.exited, 0);
  },
);

test(
  'SIGTERM to exit takes the drain delay plus the longest in-flight request, and little more',
  BOUND,
  async () => {
    // The request has at most 700 ms left at SIGTERM, the drain is 500 ms: the exit comes at the later of
    // the two. "Little more" is the service's own hard deadline (drain + 1500 ms), timed on its own
    // clock: an exit that waited for anything else would be past it, and exit 1.
    const service = await startService({
      WORK_DELAY_MS: '700',
      SHUTDOWN_DELAY_MS: '500',
      SHUTDOWN_TIMEOUT_MS: '1500',
    });
    const pending = get(`${service.baseUrl}/`);
    await servingAtLeast(service, 1);
    service.child.kill('SIGTERM');
    assert.equal((await pending).status, 200);
    assert.equal(await service.exited, 0, 'out before the hard deadline');
    const signalled = await logged(service, 'signal received');
    const exit = await logged(service, 'exit');
    const tookMs = exit.time - signalled.time;
    assert.ok(tookMs >= 500 - EARLY_MS, `exited ${tookMs} ms after SIGTERM, before the drain ended`);
    assert.ok(tookMs < 500 + 1500, `exited ${tookMs} ms after SIGTERM`);
  },
);

test('SIGINT shuts down gracefully too', BOUND, async () => {
  const service = await startService({ WORK_DELAY_MS: '300', SHUTDOWN_DELAY_MS: '100' });
  const pending = get(`${service.baseUrl}/`);
  await servingAtLeast(service, 1);
  service.child.kill('SIGINT');
  assert.equal((await pending).status, 200);
  assert.equal(await service.exited, 0);
});

test('past the hard deadline it exits 1 and logs the requests still open', BOUND, async () => {
  const service = await startService({
    WORK_DELAY_MS: '5000',
    SHUTDOWN_DELAY_MS: '200',
    SHUTDOWN_TIMEOUT_MS: '300',
  });
  const pending = get(`${service.baseUrl}/`).catch((error: Error) => error);
  await servingAtLeast(service, 1);
  service.child.kill('SIGTERM');
  assert.equal(await service.exited, 1);
  const signalled = await logged(service, 'signal received');
  const deadlineLog = await logged(service, 'shutdown deadline passed');
  // On the service's clock: at drain + timeout, and before the request (which arrived before SIGTERM)
  // could have been answered: the deadline cut it rather than waited for it.
  const atMs = deadlineLog.time - signalled.time;
  assert.ok(atMs >= 200 + 300 - EARLY_MS && atMs < 5000, `deadline ${atMs} ms after SIGTERM`);
  assert.deepEqual(
    (deadlineLog.open as Array<{ method: string; url: string }>).map((r) => `${r.method} ${r.url}`),
    ['GET /'],
  );
  assert.ok((await pending) instanceof Error, 'the request still open was cut');
});

test(
  'logs started, ready, signal received, drain begun, server closed and exit, each with version and pod',
  BOUND,
  async () => {
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
  },
);

test('a bad setting stops the service with exit 2 and one line naming it', BOUND, async () => {
  const { code, stderr } = await runServiceToExit({ SHUTDOWN_DELAY_MS: 'soon' });
  assert.equal(code, 2);
  assert.equal(
    stderr,
    'Invalid SHUTDOWN_DELAY_MS="soon": expected a whole number of milliseconds from 0 to 600000.\n',
  );
});

test('STARTUP_DELAY_MS holds off listening for that long', BOUND, async () => {
  const service = await startService({ STARTUP_DELAY_MS: '600', SHUTDOWN_DELAY_MS: '0' });
  // From its own 'started' line: counted from the spawn, a slow process start would hide a missing delay.
  const heldMs = (await logged(service, 'ready')).time - (await logged(service, 'started')).time;
  assert.ok(heldMs >= 600 - EARLY_MS, `ready ${heldMs} ms after it started`);
  service.child.kill('SIGTERM');
  assert.equal(await service.exited, 0);
});
