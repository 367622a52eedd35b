// The service image, built from the Dockerfile on the (offline) base and run by a real Docker engine.
// Needs a Docker daemon and the base image: scripts/docker/ensure-docker.sh, then npm run image:base.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  buildServiceImage,
  get,
  inspectState,
  removeAllServices,
  startService,
  type HttpResult,
} from './serviceContainer.js';

// Ryuk (testcontainers' clean-up sidecar) is an image that cannot be pulled without a registry; the after()
// hooks remove what these tests start instead. Read when the first container starts, so setting it here works.
process.env.TESTCONTAINERS_RYUK_DISABLED ??= 'true';

const SHUTDOWN_DELAY_MS = 1000;
const WORK_DELAY_MS = 1500;
/** docker stop's grace period: SIGKILL after this. The service must be gone long before. */
const KILL_TIMEOUT_MS = 30_000;
const IN_FLIGHT = 6;

/** The service's JSON log line whose message starts with `message` (pino's `time` is its own clock). */
function logged(logs: string[], message: string): { time: number } | undefined {
  return logs
    .join('\n')
    .split('\n')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as { msg?: string; time: number }];
      } catch {
        return []; // not one of its JSON lines (or one split across two log chunks)
      }
    })
    .find((entry) => String(entry.msg).startsWith(message));
}

const images: Record<'1' | '2', string> = { '1': '', '2': '' };

before(
  async () => {
    images['1'] = await buildServiceImage('1');
    images['2'] = await buildServiceImage('2'); // all stages but the last few layers come from the cache
  },
  { timeout: 300_000 },
);

after(removeAllServices);

describe('the service image', { timeout: 120_000 }, () => {
  for (const version of ['1', '2'] as const) {
    test(`hello:v${version} answers "Hello from version ${version}!" with its version and pod name`, async () => {
      const { container, baseUrl } = await startService(images[version], { env: { WORK_DELAY_MS: '50' } });

      const response = await get(`${baseUrl}/`);

      assert.equal(response.status, 200);
      assert.deepEqual(JSON.parse(response.body), { message: `Hello from version ${version}!` });
      assert.equal(response.headers['x-app-version'], version);
      // POD_NAME defaults to the hostname, which Docker (and Kubernetes) set to the container's (pod's) name.
      assert.equal(response.headers['x-pod-name'], container.getHostname());
    });
  }

  test('docker stop with requests in flight: all complete with 200, exit code 0, long before the kill', async (t) => {
    const { container, baseUrl, logs } = await startService(images['1'], {
      env: { SHUTDOWN_DELAY_MS: String(SHUTDOWN_DELAY_MS), WORK_DELAY_MS: String(WORK_DELAY_MS) },
    });
    let sent = 0;
    let allSent!: () => void;
    const inFlight = new Promise<void>((resolve) => (allSent = resolve));
    const requests: Promise<HttpResult>[] = [];
    for (let i = 0; i < IN_FLIGHT; i++) {
      requests.push(get(`${baseUrl}/`, () => ++sent === IN_FLIGHT && allSent()));
    }
    await inFlight;

    const stopStarted = performance.now();
    await container.stop({ timeout: KILL_TIMEOUT_MS, remove: false });
    const stopMs = performance.now() - stopStarted;
    t.diagnostic(
      `docker stop took ${Math.round(stopMs)} ms (drain ${SHUTDOWN_DELAY_MS} ms, work ${WORK_DELAY_MS} ms)`,
    );
    const results = await Promise.all(requests);
    const state = await inspectState(container);

    assert.deepEqual(
      results.map((r) => r.status),
      Array<number>(IN_FLIGHT).fill(200),
    );
    assert.ok(results.every((r) => r.body === '{"message":"Hello from version 1!"}'));
    assert.equal(state.running, false);
    assert.equal(
      state.exitCode,
      0,
      `exit code ${state.exitCode}; last log lines:\n${logs.slice(-5).join('\n')}`,
    );
    // On the service's own clock, which leaves out Docker's part of the stop: after the drain, and before
    // the drain and a whole request one after the other (the requests were in flight before the signal).
    const signalled = logged(logs, 'signal received');
    const exit = logged(logs, 'exit');
    assert.ok(signalled && exit, `signal and exit logged:\n${logs.slice(-5).join('\n')}`);
    const tookMs = exit.time - signalled.time;
    assert.ok(
      tookMs >= SHUTDOWN_DELAY_MS - 2 && tookMs < SHUTDOWN_DELAY_MS + WORK_DELAY_MS,
      `exit ${tookMs} ms after the signal (drain ${SHUTDOWN_DELAY_MS} ms, work ${WORK_DELAY_MS} ms)`,
    );
    // Exit 137 (SIGKILL) would also show as a stop that lasted the whole grace period.
    assert.ok(
      stopMs < KILL_TIMEOUT_MS / 2,
      `docker stop took ${Math.round(stopMs)} ms of ${KILL_TIMEOUT_MS}`,
    );
  });

  test('runs as a non-root user (numeric uid, so runAsNonRoot can verify it)', async () => {
    const { container } = await startService(images['2']);

    const uid = await container.exec(['id', '-u']);
    const { user } = await inspectState(container);

    assert.equal(uid.exitCode, 0);
    assert.notEqual(uid.stdout.trim(), '0');
    assert.match(user, /^[1-9]\d*(:\d+)?$/, `image USER is "${user}", want a non-zero numeric uid`);
  });

  test('serves and shuts down cleanly with a read-only root filesystem and all capabilities dropped', async () => {
    const { container, baseUrl, logs } = await startService(images['2'], {
      env: { SHUTDOWN_DELAY_MS: '200', WORK_DELAY_MS: '50' },
      hardened: true,
    });

    const response = await get(`${baseUrl}/`);
    const write = await container.exec(['sh', '-c', 'touch /app/probe || touch /tmp/probe']);
    await container.stop({ timeout: KILL_TIMEOUT_MS, remove: false });
    const state = await inspectState(container);

    assert.equal(response.status, 200);
    assert.deepEqual(JSON.parse(response.body), { message: 'Hello from version 2!' });
    assert.notEqual(write.exitCode, 0, 'the root filesystem accepted a write: it is not read-only');
    assert.equal(
      state.exitCode,
      0,
      `exit code ${state.exitCode}; last log lines:\n${logs.slice(-5).join('\n')}`,
    );
  });
});
