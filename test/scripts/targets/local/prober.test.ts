import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { afterEach, beforeEach, describe, mock, test } from 'node:test';

import type { ProbeHandler, ProbeSettings } from '../../../../scripts/manifests/containerSettings.js';
import { probeOnce, startProber, type ProbeOutcome } from '../../../../scripts/targets/local/prober.js';

const handler: ProbeHandler = { type: 'httpGet', path: '/health', port: 1, scheme: 'HTTP' };

function settings(overrides: Partial<ProbeSettings> = {}): ProbeSettings {
  return {
    handler,
    initialDelaySeconds: 0,
    periodSeconds: 1,
    timeoutSeconds: 1,
    successThreshold: 1,
    failureThreshold: 3,
    ...overrides,
  };
}

/** A check that answers from a script (the last answer repeats), counting its calls. */
function scripted(answers: boolean[]) {
  let calls = 0;
  const check = async (): Promise<ProbeOutcome> => {
    const ok = answers[Math.min(calls, answers.length - 1)] ?? false;
    calls++;
    return ok ? { ok, detail: 'HTTP 200' } : { ok, detail: 'HTTP 503' };
  };
  return { check, calls: () => calls };
}

/** Lets the check's promise and the prober's continuation run (setImmediate is not mocked). */
const settle = () => new Promise((resolve) => setImmediate(resolve));

/** Moves the mocked clock and lets every check that came due finish. */
async function tick(ms: number) {
  mock.timers.tick(ms);
  await settle();
}

describe('startProber, on a mocked clock', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  test('gives no verdict before successThreshold successes in a row, so a readiness probe starts failed', async () => {
    const verdicts: boolean[] = [];
    const { check, calls } = scripted([true]);
    const prober = startProber({
      settings: settings({ successThreshold: 3 }),
      check,
      onVerdict: (ok) => verdicts.push(ok),
    });
    await tick(0);
    assert.equal(calls(), 1);
    await tick(1000);
    assert.deepEqual(verdicts, [], 'two successes are not enough');
    await tick(1000);
    assert.equal(calls(), 3);
    assert.deepEqual(verdicts, [true]);
    await tick(5000);
    assert.deepEqual(verdicts, [true], 'a verdict is told once, not on every success');
    prober.stop();
  });

  test('turns unhealthy only after failureThreshold failures in a row; a success in between starts over', async () => {
    const verdicts: Array<[boolean, string]> = [];
    // ok, fail, fail, ok, fail, fail, fail
    const { check, calls } = scripted([true, false, false, true, false, false, false]);
    const prober = startProber({
      settings: settings(),
      check,
      onVerdict: (ok, detail) => verdicts.push([ok, detail]),
    });
    await tick(0);
    assert.deepEqual(verdicts, [[true, 'HTTP 200']]);
    for (let i = 0; i < 5; i++) await tick(1000);
    assert.equal(calls(), 6);
    assert.deepEqual(verdicts, [[true, 'HTTP 200']], 'two failures, a success, two failures: still healthy');
    await tick(1000);
    assert.deepEqual(verdicts, [
      [true, 'HTTP 200'],
      [false, 'HTTP 503'],
    ]);
    prober.stop();
  });

  test('waits initialDelaySeconds before the first check', async () => {
    const { check, calls } = scripted([true]);
    const prober = startProber({
      settings: settings({ initialDelaySeconds: 5 }),
      check,
      onVerdict: () => {},
    });
    await tick(4999);
    assert.equal(calls(), 0);
    await tick(1);
    assert.equal(calls(), 1);
    prober.stop();
  });

  test('checks once every periodSeconds', async () => {
    const { check, calls } = scripted([true]);
    const prober = startProber({ settings: settings({ periodSeconds: 10 }), check, onVerdict: () => {} });
    await tick(0);
    assert.equal(calls(), 1);
    // The next check is due one period after the last one started (a hair less than 10 000 ms here,
    // as the check itself took a little real time).
    await tick(9980);
    assert.equal(calls(), 1);
    await tick(20);
    assert.equal(calls(), 2);
    await tick(10_000);
    assert.equal(calls(), 3);
    prober.stop();
  });

  test('stop() ends the checks, and a check in flight when it stops tells nothing', async () => {
    const verdicts: boolean[] = [];
    let release: (outcome: ProbeOutcome) => void = () => {};
    let calls = 0;
    const check = () => {
      calls++;
      return new Promise<ProbeOutcome>((resolve) => (release = resolve));
    };
    const prober = startProber({ settings: settings(), check, onVerdict: (ok) => verdicts.push(ok) });
    await tick(0);
    assert.equal(calls, 1);
    prober.stop();
    release({ ok: true, detail: 'HTTP 200' });
    await tick(60_000);
    assert.equal(calls, 1);
    assert.deepEqual(verdicts, []);
  });
});

describe('probeOnce, against real sockets on 127.0.0.1', () => {
  async function listen(server: net.Server): Promise<number> {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as net.AddressInfo).port;
  }

  async function closedPort(): Promise<number> {
    const server = net.createServer();
    const port = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  async function withServer(status: number, run: (port: number, paths: string[]) => Promise<void>) {
    const paths: string[] = [];
    const server = http.createServer((request, response) => {
      paths.push(request.url ?? '');
      response.writeHead(status, status === 302 ? { Location: '/elsewhere' } : {}).end();
    });
    const port = await listen(server);
    try {
      await run(port, paths);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  test('httpGet: 200 is a success, on the probe path', async () => {
    await withServer(200, async (port, paths) => {
      assert.deepEqual(await probeOnce({ ...handler, port }, 1), { ok: true, detail: 'HTTP 200' });
      assert.deepEqual(paths, ['/health']);
    });
  });

  test('httpGet: a redirect counts as success (200 to 399)', async () => {
    // (The kubelet would follow a redirect to the same host and judge the final answer; the local prober
    // judges the 3xx itself. The service under test never redirects its probes.)
    await withServer(302, async (port) => {
      assert.deepEqual(await probeOnce({ ...handler, port }, 1), { ok: true, detail: 'HTTP 302' });
    });
  });

  test('httpGet: 503 is a failure, named by its status', async () => {
    await withServer(503, async (port) => {
      assert.deepEqual(await probeOnce({ ...handler, port }, 1), { ok: false, detail: 'HTTP 503' });
    });
  });

  test('httpGet: nothing listening is ECONNREFUSED', async () => {
    const port = await closedPort();
    assert.deepEqual(await probeOnce({ ...handler, port }, 1), { ok: false, detail: 'ECONNREFUSED' });
  });

  test('httpGet: a server that never answers fails at timeoutSeconds', { timeout: 30_000 }, async () => {
    const sockets: net.Socket[] = [];
    const server = net.createServer((socket) => sockets.push(socket));
    const port = await listen(server);
    try {
      const startedAt = performance.now();
      const outcome = await probeOnce({ ...handler, port }, 1);
      const elapsed = performance.now() - startedAt;
      assert.deepEqual(outcome, { ok: false, detail: 'timeout after 1 s' });
      // Once, at the timeout: no sooner, and before a second timeout (say, connect then answer) could pass.
      assert.ok(elapsed >= 950 && elapsed < 2 * 1000, `gave up after ${elapsed.toFixed(0)} ms`);
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  test('tcpSocket: a listening port is a success, a closed one ECONNREFUSED', async () => {
    const server = net.createServer((socket) => socket.destroy());
    const port = await listen(server);
    try {
      assert.deepEqual(await probeOnce({ type: 'tcpSocket', port }, 1), { ok: true, detail: 'connected' });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    assert.deepEqual(await probeOnce({ type: 'tcpSocket', port: await closedPort() }, 1), {
      ok: false,
      detail: 'ECONNREFUSED',
    });
  });
});
