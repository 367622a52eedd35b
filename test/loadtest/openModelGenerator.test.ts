import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOpenModelGenerator } from '../../loadtest/openModelGenerator.js';
import type { OpenModelOptions } from '../../loadtest/openModelGenerator.js';
import { parseExpectedStatuses, SAMPLE_REQUEST, type RequestShape } from '../../loadtest/requestShape.js';
import { until, within } from '../support/until.js';

/** A bound on each wait for the generator to finish: far below the durations a broken stop would run to. */
const FINISH_MS = 30_000;
/** A bound on each test: a generator that never finishes fails its test instead of hanging the run. */
const BOUND = { timeout: 60_000 };

interface TestServer {
  url: string;
  port: number;
  /** TCP connections the server accepted. */
  connections: () => number;
  /** `connection` header of every request, in arrival order. */
  connectionHeaders: string[];
  close: () => Promise<void>;
}

async function serve(handler: http.RequestListener): Promise<TestServer> {
  let connections = 0;
  const connectionHeaders: string[] = [];
  const server = http.createServer((req, res) => {
    connectionHeaders.push(String(req.headers.connection));
    handler(req, res);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => connections,
    connectionHeaders,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ok: http.RequestListener = (_req, res) => {
  res.setHeader('x-app-version', '2');
  res.setHeader('x-pod-name', 'hello-abc');
  res.setHeader('x-config-hash', '0eefdf99');
  res.end('{"message":"Hello from version 2!"}');
};

function options(url: string, o: Partial<OpenModelOptions>): OpenModelOptions {
  return {
    baseUrl: url,
    rate: 100,
    keepAlive: true,
    timeoutMs: 2000,
    maxDurationMs: 5000,
    maxRequests: 10,
    ...o,
  };
}

/** Runs a generator until its schedule ends by itself (bounded), and returns what it recorded. */
async function runToEnd(o: OpenModelOptions) {
  const gen = createOpenModelGenerator(o);
  gen.start();
  await within('the schedule ending by itself', gen.finished(), FINISH_MS);
  return gen.stop();
}

test('delivers 200 rps for 2 s within 1%, scheduled exactly 5 ms apart', BOUND, async (t) => {
  const server = await serve(ok);
  t.after(server.close);
  const result = await runToEnd(
    options(server.url, { rate: 200, maxDurationMs: 2000, maxRequests: 100_000 }),
  );
  assert.equal(result.samples.length, 400);
  assert.ok(Math.abs(result.achievedRate - 200) <= 2, `achieved ${result.achievedRate} rps`);
  assert.ok(result.shortfall < 0.01, `shortfall ${result.shortfall}`);
  for (let i = 1; i < result.samples.length; i++) {
    const gap = result.samples[i]!.scheduledAt - result.samples[i - 1]!.scheduledAt;
    assert.ok(Math.abs(gap - 5) < 0.01, `gap ${gap} ms at ${i}`);
  }
  assert.ok(result.samples.every((s) => s.status === 200 && s.error === null));
});

test(
  'sends on its schedule, never waiting for answers: 40 requests reach a server that answers none before the 40th',
  BOUND,
  async (t) => {
    // An order, not a speed: a sender that waited for answers (a closed model, or a pool of fewer than 40
    // connections) would never get the 40th request out, and every request would time out. How late each one
    // went out is the generator benchmark's business (npm run bench:generator), not a test's.
    const held: http.ServerResponse[] = [];
    const server = await serve((req, res) => {
      held.push(res);
      if (held.length === 40) for (const waiting of held) ok(req, waiting);
    });
    t.after(server.close);
    const result = await runToEnd(options(server.url, { rate: 200, timeoutMs: 20_000, maxRequests: 40 }));
    assert.equal(result.samples.length, 40);
    assert.ok(
      result.samples.every((s) => s.status === 200 && s.error === null),
      'all answered once the 40th arrived',
    );
    const firstAnswer = Math.min(...result.samples.map((s) => s.endedAt));
    assert.ok(
      result.samples.every((s) => s.startedAt <= firstAnswer),
      'every request went out before any answer came',
    );
  },
);

test(
  'counts latency from the scheduled time: a server that waits 300 ms shows at least 300 ms',
  BOUND,
  async (t) => {
    const server = await serve((req, res) => setTimeout(() => ok(req, res), 300));
    t.after(server.close);
    const result = await runToEnd(options(server.url, { rate: 50, maxRequests: 20 }));
    assert.equal(result.samples.length, 20);
    for (const s of result.samples) {
      assert.ok(s.latencyMs >= 300, `latency ${s.latencyMs}`);
      assert.ok(Math.abs(s.latencyMs - (s.endedAt - s.scheduledAt)) < 0.001);
    }
  },
);

test('a stalled sender shows the stall as latency, not as missing requests', BOUND, async (t) => {
  const server = await serve(ok);
  t.after(server.close);
  const gen = createOpenModelGenerator(
    options(server.url, { rate: 100, maxDurationMs: 1000, maxRequests: 1000 }),
  );
  gen.start();
  // Mid-schedule, whenever that comes on this machine: 30 of the 100 sent.
  await until('30 requests sent', () => gen.progress().sent >= 30, FINISH_MS);
  const blockedUntil = performance.now() + 200;
  while (performance.now() < blockedUntil); // block the event loop: nothing can be sent for 200 ms
  await within('the schedule ending', gen.finished(), FINISH_MS);
  const result = await gen.stop();
  assert.equal(result.samples.length, 100, 'late requests are sent late, never skipped');
  assert.ok(result.sendLagMs.max >= 150, `max send lag ${result.sendLagMs.max}`);
  const worst = Math.max(...result.samples.map((s) => s.latencyMs));
  assert.ok(worst >= 150, `worst latency ${worst}`);
});

test('with keep-alive on, requests reuse a few connections', BOUND, async (t) => {
  const server = await serve(ok);
  t.after(server.close);
  const result = await runToEnd(options(server.url, { rate: 200, maxRequests: 100 }));
  assert.equal(result.samples.filter((s) => s.status === 200).length, 100);
  // A burst after a scheduling hiccup legitimately opens extra connections; without reuse it would be 100.
  assert.ok(server.connections() <= 25, `${server.connections()} connections`);
  assert.ok(server.connectionHeaders.every((h) => h === 'keep-alive'));
});

test('with keep-alive off, every request opens its own connection and asks to close it', BOUND, async (t) => {
  const server = await serve(ok);
  t.after(server.close);
  const result = await runToEnd(options(server.url, { rate: 200, maxRequests: 50, keepAlive: false }));
  assert.equal(result.samples.filter((s) => s.status === 200).length, 50);
  assert.equal(server.connections(), 50);
  assert.ok(server.connectionHeaders.every((h) => h === 'close'));
  assert.equal(result.keepAlive, false);
});

test('records connection refused as ECONNREFUSED with no status', BOUND, async () => {
  const probe = await serve(ok);
  await probe.close(); // the port is now free: nothing listens there
  const result = await runToEnd(options(probe.url, { rate: 50, maxRequests: 5 }));
  assert.equal(result.samples.length, 5);
  for (const s of result.samples) assert.deepEqual([s.status, s.error], [null, 'ECONNREFUSED']);
});

test('records a connection reset (RST) mid-request as ECONNRESET', BOUND, async (t) => {
  const server = await serve((req) => req.socket.resetAndDestroy());
  t.after(server.close);
  const result = await runToEnd(options(server.url, { rate: 50, maxRequests: 5 }));
  for (const s of result.samples) assert.deepEqual([s.status, s.error], [null, 'ECONNRESET']);
});

test('records a server closing the socket (FIN) mid-request as socket_closed', BOUND, async (t) => {
  const server = await serve((req) => req.socket.destroy());
  t.after(server.close);
  const result = await runToEnd(options(server.url, { rate: 50, maxRequests: 5 }));
  for (const s of result.samples) assert.deepEqual([s.status, s.error], [null, 'socket_closed']);
});

test(
  'records a reused keep-alive connection closed before the answer as socket_closed, where k6 retries',
  BOUND,
  async (t) => {
    // Each connection answers its first request and closes (FIN) when a second one arrives on it. undici
    // does not send the request again, so the failure is seen; k6's Go client retries such a GET on a new
    // connection and records a 200 (test/loadtest/k6Generator.test.ts).
    const seen = new WeakSet<object>();
    const server = await serve((req, res) => {
      if (seen.has(req.socket)) return void req.socket.destroy();
      seen.add(req.socket);
      ok(req, res);
    });
    t.after(server.close);
    const result = await runToEnd(options(server.url, { rate: 50, maxRequests: 10 }));
    const failed = result.samples.filter((s) => s.error !== null);
    assert.ok(failed.length >= 3, `${failed.length} of 10 failed`);
    assert.ok(failed.every((s) => s.error === 'socket_closed' && s.status === null));
  },
);

test('gives up on a request after timeoutMs and records it as timeout', BOUND, async (t) => {
  const server = await serve(() => undefined); // never answers
  t.after(server.close);
  const result = await runToEnd(options(server.url, { rate: 50, maxRequests: 3, timeoutMs: 200 }));
  assert.equal(result.samples.length, 3);
  for (const s of result.samples) {
    assert.equal(s.error, 'timeout');
    // Our own deadline, not undici's backstops (at twice the timeout).
    assert.ok(s.latencyMs >= 200 && s.latencyMs < 2 * 200, `latency ${s.latencyMs}`);
  }
});

test('records a 503 as status 503 with error http_503', BOUND, async (t) => {
  const server = await serve((_req, res) => {
    res.statusCode = 503;
    res.end('{"status":"shutting down"}');
  });
  t.after(server.close);
  const gen = createOpenModelGenerator(options(server.url, { rate: 50, maxRequests: 4 }));
  gen.start();
  await gen.finished();
  assert.deepEqual(gen.progress(), { sent: 4, completed: 4, failed: 4, byVersion: { unknown: 4 } });
  const result = await gen.stop();
  for (const s of result.samples) assert.deepEqual([s.status, s.error], [503, 'http_503']);
});

test('records which version, pod and configuration answered', BOUND, async (t) => {
  const server = await serve(ok);
  t.after(server.close);
  const gen = createOpenModelGenerator(options(server.url, { rate: 100, maxRequests: 6 }));
  gen.start();
  await gen.finished();
  assert.deepEqual(gen.progress(), { sent: 6, completed: 6, failed: 0, byVersion: { '2': 6 } });
  const result = await gen.stop();
  for (const s of result.samples)
    assert.deepEqual([s.version, s.pod, s.configHash], ['2', 'hello-abc', '0eefdf99']);
});

test('stops at maxRequests', BOUND, async (t) => {
  const server = await serve(ok);
  t.after(server.close);
  // Finishing at all within FINISH_MS is the order: the 60 s duration is twice that.
  const result = await runToEnd(options(server.url, { rate: 1000, maxRequests: 30, maxDurationMs: 60_000 }));
  assert.equal(result.samples.length, 30);
  assert.ok(Math.abs(result.achievedRate - 1000) < 10, `achieved ${result.achievedRate}`);
});

test('stops at maxDurationMs', BOUND, async (t) => {
  const server = await serve(ok);
  t.after(server.close);
  const started = performance.now();
  const result = await runToEnd(options(server.url, { rate: 100, maxRequests: 100_000, maxDurationMs: 500 }));
  const took = performance.now() - started;
  // No sooner than the duration; that it stops there is the count (100 000 allowed, 50 due).
  assert.ok(took >= 490, `took ${took} ms`);
  assert.equal(result.samples.length, 50);
});

test('stop() mid-run waits for requests in flight and returns every one of them', BOUND, async (t) => {
  let received = 0;
  const server = await serve((req, res) => {
    received++;
    setTimeout(() => ok(req, res), 200);
  });
  t.after(server.close);
  const gen = createOpenModelGenerator(
    options(server.url, { rate: 100, maxRequests: 10_000, maxDurationMs: 100_000 }),
  );
  gen.start();
  // A second of schedule, however long that takes here, and answers in flight (they take 200 ms).
  const inFlight = () => gen.progress().sent - gen.progress().completed;
  await until(
    '100 requests sent, 5 of them in flight',
    () => gen.progress().sent >= 100 && inFlight() >= 5,
    FINISH_MS,
  );
  const result = await within('stop() settling what is in flight', gen.stop(), FINISH_MS);
  assert.equal(result.samples.length, received, 'one sample per request the server got');
  assert.ok(result.samples.every((s) => s.status === 200));
  // A ratio: the window ends at the stop, so stopping is no shortfall.
  assert.ok(result.shortfall < 0.05, `shortfall ${result.shortfall}`);
});

test('rejects settings that cannot make a schedule, in one line', () => {
  assert.throws(
    () => createOpenModelGenerator(options('http://127.0.0.1:1', { rate: 0 })),
    /rate must be > 0/,
  );
  assert.throws(
    () => createOpenModelGenerator(options('localhost:80', {})),
    /baseUrl must be an http:\/\/ URL/,
  );
  assert.throws(
    () => createOpenModelGenerator(options('http://127.0.0.1:1', { maxRequests: 0 })),
    /maxRequests/,
  );
});

test(
  'with a mix, every fifth request is a POST /orders carrying its own id, and only a 201 counts as its success',
  BOUND,
  async (t) => {
    const received: Array<{ method: string; url: string; body: string }> = [];
    const server = await serve((req, res) => {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, body });
        // The third order is answered 200: for an order that is not its success.
        const orders = received.filter((r) => r.method === 'POST').length;
        res.statusCode = req.method === 'POST' && orders !== 3 ? 201 : 200;
        res.end('{}');
      });
    });
    t.after(server.close);
    const result = await runToEnd(
      options(server.url, { maxRequests: 20, mix: { get: 80, post: 20 }, orderIdPrefix: 'run7' }),
    );
    const posts = result.samples.filter((s) => s.kind === 'post');
    assert.deepEqual(
      posts.map((s) => [s.orderId, s.status, s.error]),
      [
        ['run7-4', 201, null],
        ['run7-9', 201, null],
        ['run7-14', 200, 'http_200'],
        ['run7-19', 201, null],
      ],
    );
    assert.deepEqual(
      received.filter((r) => r.method === 'POST').map((r) => [r.url, JSON.parse(r.body)]),
      posts.map((s) => ['/orders', { id: s.orderId }]),
    );
    assert.ok(
      result.samples.filter((s) => s.kind === undefined).every((s) => s.status === 200 && s.error === null),
    );
    assert.equal(received.filter((r) => r.method === 'GET' && r.url === '/').length, 16);
  },
);

/** A service that is not the sample one: its answer depends on the path, its version in X-Build or the body. */
const otherService: http.RequestListener = (req, res) => {
  const answers: Record<string, [number, string]> = {
    '/empty': [204, ''],
    '/moved': [302, '{"build":{"version":"3.1"}}'],
    '/broken': [500, '{"build":{"version":"3.1"}}'],
  };
  const [status, body] = answers[req.url ?? ''] ?? [404, ''];
  res.writeHead(status, { 'x-build': 'b7', 'x-pod-name': 'svc-1', location: '/elsewhere' });
  res.end(body);
};

const shape = (o: Partial<RequestShape>): RequestShape => ({
  ...SAMPLE_REQUEST,
  expect: parseExpectedStatuses('2xx,3xx'),
  ...o,
});

test(
  "asks for the shape's path and accepts what it expects, a 204 and a 302, with the version from its header",
  BOUND,
  async (t) => {
    const server = await serve(otherService);
    t.after(server.close);
    for (const path of ['/empty', '/moved']) {
      const request = shape({ path, versionFrom: { from: 'header', name: 'x-build' } });
      const result = await runToEnd(options(server.url, { maxRequests: 3, request }));
      assert.deepEqual(
        result.samples.map((s) => [s.status, s.error, s.version, s.pod]),
        Array(3).fill([path === '/empty' ? 204 : 302, null, 'b7', 'svc-1']),
      );
    }
  },
);

test(
  "reads the version from the body with the regex's first group, and fails a status it does not expect",
  BOUND,
  async (t) => {
    const server = await serve(otherService);
    t.after(server.close);
    const versionFrom = { from: 'body' as const, pattern: '"version":"([^"]+)"' };
    const moved = await runToEnd(
      options(server.url, { maxRequests: 2, request: shape({ path: '/moved', versionFrom }) }),
    );
    assert.deepEqual(
      moved.samples.map((s) => [s.status, s.error, s.version]),
      Array(2).fill([302, null, '3.1']),
    );
    const gen = createOpenModelGenerator(
      options(server.url, { maxRequests: 2, request: shape({ path: '/broken', versionFrom }) }),
    );
    gen.start();
    await within('the schedule ending by itself', gen.finished(), FINISH_MS);
    assert.deepEqual(gen.progress(), { sent: 2, completed: 2, failed: 2, byVersion: { '3.1': 2 } });
    const broken = await gen.stop();
    assert.deepEqual(
      broken.samples.map((s) => [s.status, s.error, s.version]),
      Array(2).fill([500, 'http_500', '3.1']),
    );
    // A 204 is not what the sample service's default (exactly 200) expects.
    const strict = await runToEnd(
      options(server.url, { maxRequests: 1, request: { ...SAMPLE_REQUEST, path: '/empty' } }),
    );
    assert.deepEqual([strict.samples[0]!.status, strict.samples[0]!.error], [204, 'http_204']);
  },
);

test(
  'with the version from nowhere every answer is of no version, even one with X-App-Version',
  BOUND,
  async (t) => {
    const server = await serve(ok);
    t.after(server.close);
    const result = await runToEnd(
      options(server.url, { maxRequests: 2, request: shape({ versionFrom: { from: 'none' } }) }),
    );
    assert.deepEqual(
      result.samples.map((s) => [s.status, s.error, s.version, s.pod]),
      Array(2).fill([200, null, null, 'hello-abc']),
    );
  },
);

test('a HEAD sends no body and reads no body, and its answer succeeds by status', BOUND, async (t) => {
  const seen: { method: string | undefined; length: string | undefined; bytes: number }[] = [];
  const server = await serve((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => (bytes += chunk.length));
    req.on('end', () => {
      seen.push({ method: req.method, length: req.headers['content-length'], bytes });
      res.setHeader('x-app-version', '2');
      // Node leaves a HEAD answer's body off the wire whatever is written.
      res.end('{"message":"not sent"}');
    });
  });
  t.after(server.close);
  const result = await runToEnd(
    options(server.url, { maxRequests: 3, request: { ...SAMPLE_REQUEST, method: 'HEAD' } }),
  );
  assert.deepEqual(
    result.samples.map((s) => [s.status, s.error, s.version]),
    Array(3).fill([200, null, '2']),
  );
  assert.deepEqual(seen, Array(3).fill({ method: 'HEAD', length: undefined, bytes: 0 }));
});

test('refuses a HEAD with the POSTs of a mix, in one line', () => {
  assert.throws(
    () =>
      createOpenModelGenerator(
        options('http://127.0.0.1:9', {
          mix: { get: 80, post: 20 },
          request: { ...SAMPLE_REQUEST, method: 'HEAD' },
        }),
      ),
    /^UsageError: --mix .* does not go with --method HEAD$/,
  );
});
