import assert from 'node:assert/strict';
import { once } from 'node:events';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { pino } from 'pino';
import { Agent, request } from 'undici';
import { ConfigError } from '../../service/config.js';
import { createApp } from '../../service/createApp.js';
import { openGreetingSource } from '../../service/greetingSource.js';
import { createServer } from '../../service/createServer.js';
import {
  DEMO_FAULT_NAMES,
  installDemoFault,
  loadDemoFault,
  type DemoFaultName,
} from '../../service/demoFaults.js';
import { createMetrics } from '../../service/metrics.js';
import { createServiceState } from '../../service/serviceState.js';
import { runServiceToExit, SERVICE_ENTRY, servingAtLeast, startService } from '../support/serviceProcess.js';

// The faults that change how requests are answered are tested in process, on the service's own app and
// server, over real sockets; those that end the process, on the compiled service in a child process.

const SOURCE_DIR = path.resolve(import.meta.dirname, '../../../service');
/** A bound on each test that runs the service as a process: one that never exits fails its test. */
const BOUND = { timeout: 60_000 };
const ALL_FAULTS =
  'none, never-ready, crash-at-start, no-connection-close, no-stream-drain, orders-cut-in-drain, exit-at-once-on-sigterm';

/** The app and server as main.ts wires them, with `fault` installed, listening on a free port. */
async function serve(fault: DemoFaultName | 'none') {
  const logs: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => logs.push(JSON.parse(line)) });
  const state = createServiceState();
  const config = { appVersion: '1', workDelayMs: 20, podName: 'pod-a' } as const;
  const greeting = openGreetingSource({ greeting: 'Hello', greetingFile: undefined }, logger);
  const server = createServer(createApp({ config, greeting, metrics: createMetrics(), state, logger }));
  installDemoFault(fault, { server, logger });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const close = () => {
    server.closeAllConnections();
    server.close();
  };
  return { baseUrl, state, logs, server, close };
}

async function get(url: string, options: { method?: 'GET' | 'HEAD' | 'POST'; dispatcher?: Agent } = {}) {
  const response = await request(url, options);
  const body = await response.body.text();
  return { status: response.statusCode, headers: response.headers, body };
}

test('FAULT unset, empty or none switches nothing on', async () => {
  for (const env of [{}, { FAULT: '' }, { FAULT: 'none' }]) assert.equal(loadDemoFault(env), 'none');
  const service = await serve('none');
  try {
    assert.equal(service.server.listenerCount('request'), 1, 'the app alone answers requests');
    assert.equal((await get(`${service.baseUrl}/health`)).status, 200);
    assert.deepEqual(service.logs, [], 'nothing logged');
  } finally {
    service.close();
  }
});

test('FAULT accepts each fault by name, and a bad value is one line listing them all', () => {
  assert.deepEqual(DEMO_FAULT_NAMES, ALL_FAULTS.split(', ').slice(1));
  for (const name of DEMO_FAULT_NAMES) assert.equal(loadDemoFault({ FAULT: name }), name);
  assert.throws(
    () => loadDemoFault({ FAULT: 'gremlins' }),
    (error: unknown) =>
      error instanceof ConfigError &&
      error.message === `Invalid FAULT="gremlins": expected one of ${ALL_FAULTS}.`,
  );
});

test('a bad FAULT stops the service with exit 2 and one line naming it', BOUND, async () => {
  const { code, stderr } = await runServiceToExit({ FAULT: 'gremlins' });
  assert.equal(code, 2);
  assert.equal(stderr, `Invalid FAULT="gremlins": expected one of ${ALL_FAULTS}.\n`);
});

test('never-ready keeps /health at 503 while every other request gets the app’s own answer', async () => {
  const service = await serve('never-ready');
  try {
    const health = await get(`${service.baseUrl}/health`);
    assert.equal(health.status, 503);
    assert.deepEqual(JSON.parse(health.body), { status: 'not ready (FAULT=never-ready)' });
    assert.equal((await get(`${service.baseUrl}/health?probe=1`)).status, 503, 'with a query too');
    assert.equal((await get(`${service.baseUrl}/health`, { method: 'HEAD' })).status, 503, 'HEAD too');

    const hello = await get(`${service.baseUrl}/`);
    assert.equal(hello.status, 200);
    assert.equal(hello.headers['x-app-version'], '1');
    assert.equal((await get(`${service.baseUrl}/livez`)).status, 200, 'liveness stays 200: no restarts');
    assert.equal((await get(`${service.baseUrl}/health`, { method: 'POST' })).status, 405);
  } finally {
    service.close();
  }
});

test('no-connection-close answers during the drain as outside it, keep-alive, where the drain closes connections', async () => {
  const headersOf = async (fault: DemoFaultName | 'none', draining: boolean) => {
    const service = await serve(fault);
    const agent = new Agent({ keepAliveTimeout: 10_000 });
    try {
      if (draining) service.state.beginShutdown();
      const { headers } = await get(`${service.baseUrl}/`, { dispatcher: agent });
      return { connection: headers.connection, keepAlive: headers['keep-alive'] };
    } finally {
      await agent.close();
      service.close();
    }
  };
  const outside = await headersOf('none', false);
  assert.deepEqual(outside, { connection: 'keep-alive', keepAlive: 'timeout=65, max=1000' });
  assert.equal((await headersOf('none', true)).connection, 'close');
  assert.deepEqual(await headersOf('no-connection-close', true), outside);
});

test('a fault that is on says so in one warn line naming it and what it breaks', async () => {
  const service = await serve('no-connection-close');
  service.close();
  assert.equal(service.logs.length, 1);
  assert.equal(service.logs[0]?.level, 40);
  assert.equal(service.logs[0]?.fault, 'no-connection-close');
  assert.match(String(service.logs[0]?.msg), /^FAULT=no-connection-close \(test only\): .*Connection: close/);
});

test('crash-at-start logs why and exits 1 before it listens', BOUND, async () => {
  const { code, stdout } = await runServiceToExit({ FAULT: 'crash-at-start' });
  assert.equal(code, 1);
  const messages = stdout
    .trim()
    .split('\n')
    .map((line) => String((JSON.parse(line) as { msg: unknown }).msg));
  assert.ok(messages.includes('FAULT=crash-at-start: exiting 1'), JSON.stringify(messages));
  assert.ok(!messages.includes('ready'), 'it never listened');
});

for (const [signal, code] of [
  ['SIGTERM', 143],
  ['SIGINT', 130],
] as const) {
  test(
    `exit-at-once-on-sigterm exits ${code} at once on ${signal} and cuts the request in flight`,
    BOUND,
    async () => {
      // A drain and a request as long as each other: an exit before either could end is "at once".
      const waitMs = 10_000;
      const service = await startService({
        FAULT: 'exit-at-once-on-sigterm',
        WORK_DELAY_MS: String(waitMs),
        SHUTDOWN_DELAY_MS: String(waitMs),
      });
      const sentAt = performance.now();
      const pending = get(`${service.baseUrl}/`).catch((error: { code?: string }) => error);
      await servingAtLeast(service, 1);
      service.child.kill(signal);
      assert.equal(await service.exited, code);
      // An order, not a speed: gone before the drain or the request (it arrived after sentAt) could end.
      assert.ok(performance.now() - sentAt < waitMs, 'no drain, no waiting for the request');
      const outcome = await pending;
      assert.ok(!('status' in outcome), 'the in-flight request got no answer');
      assert.ok(
        service.logs.some((entry) =>
          String(entry.msg).includes('FAULT=exit-at-once-on-sigterm, exiting at once'),
        ),
        'it says why it left',
      );
      assert.ok(
        !service.logs.some((entry) => entry.msg === 'drain begun'),
        'the graceful shutdown never began',
      );
    },
  );
}

for (const fault of ['none', 'orders-cut-in-drain'] as const) {
  const cut = fault === 'orders-cut-in-drain';
  test(
    cut
      ? 'orders-cut-in-drain processes an order in flight at SIGTERM, then drops its connection unanswered'
      : 'without a fault, an order in flight at SIGTERM is processed and answered 201 during the drain',
    BOUND,
    async () => {
      const service = await startService({ FAULT: fault, WORK_DELAY_MS: '1500', SHUTDOWN_DELAY_MS: '3000' });
      try {
        const pending = request(`${service.baseUrl}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ id: 'order-1' }),
        }).then(
          (response) => response.statusCode,
          (error: { code?: string }) => error.code ?? 'error',
        );
        await servingAtLeast(service, 1);
        service.child.kill('SIGTERM');
        assert.equal(await pending, cut ? 'UND_ERR_SOCKET' : 201);
        await service.exited;
        assert.deepEqual(
          service.logs.filter((entry) => entry.msg === 'order processed').map((entry) => entry.orderId),
          ['order-1'],
          'processed once either way',
        );
      } finally {
        service.child.kill('SIGKILL');
      }
    },
  );
}

test('outside demoFaults.ts, only main.ts names the faults: its import and the one line that installs them', () => {
  const mentions = (file: string) =>
    fs
      .readFileSync(path.join(SOURCE_DIR, file), 'utf8')
      .split('\n')
      .filter((line) => /fault/i.test(line.replace(/default/gi, '')));
  for (const file of fs.readdirSync(SOURCE_DIR).filter((name) => name.endsWith('.ts'))) {
    if (file === 'demoFaults.ts') continue;
    if (file === 'main.ts') {
      assert.deepEqual(
        mentions(file).map((line) => line.split('(')[0]?.split(' ')[0]),
        ['import', 'installDemoFault'],
        'main.ts',
      );
    } else assert.deepEqual(mentions(file), [], file);
  }
});

test(
  'the service copied without demoFaults.ts and those two lines starts, answers and shuts down gracefully',
  BOUND,
  async () => {
    // The copy the README describes, made from the compiled service, with the project's node_modules.
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'service-without-faults-'));
    try {
      const serviceDir = path.join(copy, 'service');
      fs.mkdirSync(serviceDir);
      const compiled = path.dirname(SERVICE_ENTRY);
      for (const file of fs.readdirSync(compiled).filter((name) => name.endsWith('.js'))) {
        if (file === 'demoFaults.js') continue;
        let text = fs.readFileSync(path.join(compiled, file), 'utf8');
        if (file === 'main.js') text = withoutLinesNaming(text, /demoFaults|DemoFault/, 2);
        fs.writeFileSync(path.join(serviceDir, file), text);
      }
      fs.writeFileSync(path.join(copy, 'package.json'), '{ "type": "module" }\n');
      fs.symlinkSync(
        path.resolve(import.meta.dirname, '../../../node_modules'),
        path.join(copy, 'node_modules'),
      );

      const service = await startService(
        { FAULT: 'never-ready', SHUTDOWN_DELAY_MS: '100' },
        30_000,
        path.join(serviceDir, 'main.js'),
      );
      assert.equal((await get(`${service.baseUrl}/health`)).status, 200, 'FAULT means nothing to the copy');
      assert.equal((await get(`${service.baseUrl}/`)).status, 200);
      service.child.kill('SIGTERM');
      assert.equal(await service.exited, 0);
      assert.ok(service.logs.some((entry) => entry.msg === 'drain begun'));
    } finally {
      fs.rmSync(copy, { recursive: true, force: true });
    }
  },
);

/** `text` without the lines matching `pattern`, of which there must be exactly `expected`. */
function withoutLinesNaming(text: string, pattern: RegExp, expected: number): string {
  const lines = text.split('\n');
  const kept = lines.filter((line) => !pattern.test(line));
  assert.equal(lines.length - kept.length, expected, `lines naming ${pattern}`);
  return kept.join('\n');
}
