import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { after, test } from 'node:test';

import { Client } from 'undici';

import { createBalancer, type Balancer } from '../../../../scripts/targets/local/balancer.js';
import { createEndpoints, type Endpoints } from '../../../../scripts/targets/local/endpoints.js';
import { until, within } from '../../../support/until.js';

/** A bound on each test: a connection that never closes fails its test instead of hanging the run. */
const BOUND = { timeout: 90_000 };

interface Backend {
  pod: string;
  port: number;
  /** TCP connections this backend has accepted. */
  connections: () => number;
  close: () => Promise<void>;
}

/** A stand-in pod: answers 200 with X-Pod-Name; /reset and /destroy kill the connection mid-request. */
async function startBackend(pod: string): Promise<Backend> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    if (req.url === '/reset') return void req.socket.resetAndDestroy();
    if (req.url === '/destroy') return void req.socket.destroy();
    if (req.url === '/close') res.setHeader('Connection', 'close');
    res.setHeader('X-Pod-Name', pod);
    res.end(pod);
  });
  server.on('connection', () => (connections += 1));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    pod,
    port: (server.address() as AddressInfo).port,
    connections: () => connections,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

interface Answer {
  pod: string;
  endedAt: number;
}

/** One GET through the balancer; a fresh TCP connection unless an agent is given. */
function get(port: number, path = '/', agent: http.Agent | false = false): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ pod: String(res.headers['x-pod-name']), endedAt: performance.now() }));
    });
    req.on('error', reject);
  });
}

async function waitForChange(endpoints: Endpoints, ready: (pods: string[]) => boolean): Promise<void> {
  const deadline = performance.now() + 30_000;
  while (!ready(endpoints.current().map((e) => e.pod))) {
    assert.ok(performance.now() < deadline, 'endpoints did not change within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const cleanups: Array<() => unknown> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function setUp(pods: string[], propagationLagMs = 0) {
  const backends = await Promise.all(pods.map(startBackend));
  const endpoints = createEndpoints({ propagationLagMs });
  const balancer: Balancer = createBalancer({ port: 0, endpoints });
  const port = await balancer.listen();
  cleanups.push(() => endpoints.close());
  cleanups.push(...backends.map((b) => b.close));
  cleanups.push(() => balancer.close());
  const byPod = Object.fromEntries(backends.map((b) => [b.pod, b]));
  const ready = (pod: string): void => endpoints.setReady(pod, byPod[pod]!.port);
  return { backends, byPod, endpoints, balancer, port, ready };
}

test('new connections go only to ready endpoints, round-robin over 3 backends', BOUND, async () => {
  const { port, ready, balancer } = await setUp(['a', 'b', 'c', 'not-ready']);
  ['a', 'b', 'c'].forEach(ready);
  const answers: string[] = [];
  for (let i = 0; i < 30; i++) answers.push((await get(port)).pod);
  const count = (pod: string) => answers.filter((p) => p === pod).length;
  assert.deepEqual([count('a'), count('b'), count('c'), count('not-ready')], [10, 10, 10, 0]);
  assert.deepEqual(answers.slice(0, 6), ['a', 'b', 'c', 'a', 'b', 'c']);
  assert.equal(balancer.stats().totalConnections, 30);
  assert.equal(balancer.stats().byPod.a?.total, 10);
});

test(
  'a removed pod keeps serving its open keep-alive connection but gets no new ones after the lag',
  BOUND,
  async () => {
    const { port, ready, endpoints, balancer, byPod } = await setUp(['old', 'new'], 100);
    ready('old');
    await waitForChange(endpoints, (pods) => pods.includes('old'));
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 });
    cleanups.push(() => keepAlive.destroy());
    assert.equal((await get(port, '/', keepAlive)).pod, 'old');

    endpoints.remove('old');
    ready('new');
    await waitForChange(endpoints, (pods) => pods.join() === 'new');

    assert.equal((await get(port, '/', keepAlive)).pod, 'old', 'the open connection stays pinned');
    for (let i = 0; i < 5; i++) assert.equal((await get(port)).pod, 'new');
    assert.equal(byPod.old!.connections(), 1, 'the old pod saw one connection, reused');
    assert.deepEqual(balancer.stats().byPod.old, { active: 1, total: 1 });
  },
);

test('an added pod gets no connection before the propagation lag and gets one after it', BOUND, async (t) => {
  const lagMs = 300;
  const { port, ready, endpoints } = await setUp(['a', 'b'], lagMs);
  ready('a');
  await waitForChange(endpoints, (pods) => pods.includes('a'));

  // The lag on a mocked clock (the balancer itself has no timer): however long each request takes
  // here, the lag has not passed until the test says so.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  ready('b');
  for (let i = 0; i < 4; i++) assert.equal((await get(port)).pod, 'a', 'b reached before the lag');
  t.mock.timers.tick(lagMs - 1);
  assert.equal((await get(port)).pod, 'a', 'b reached 1 ms before the lag');
  t.mock.timers.tick(1);
  const after = [(await get(port)).pod, (await get(port)).pod];
  assert.deepEqual(after.sort(), ['a', 'b'], 'round-robin over both once the lag has passed');
});

test('with no endpoints the client connection is reset (ECONNRESET)', BOUND, async () => {
  const { port, balancer } = await setUp([]);
  await assert.rejects(get(port), { code: 'ECONNRESET' });
  // The load generator is on undici: an RST reads as ECONNRESET there, a FIN would be UND_ERR_SOCKET.
  const client = new Client(`http://127.0.0.1:${port}`);
  await assert.rejects(client.request({ method: 'GET', path: '/' }), { code: 'ECONNRESET' });
  await client.close();
  assert.equal(balancer.stats().noEndpoints, 2);
});

test('a pod still in the endpoints whose process is gone makes the client see a reset', BOUND, async () => {
  const { port, ready, byPod, balancer } = await setUp(['gone']);
  ready('gone');
  await byPod.gone!.close();
  await assert.rejects(get(port), { code: 'ECONNRESET' });
  assert.equal(balancer.stats().backendConnectErrors, 1);
});

test('a backend that resets mid-request makes the client see the reset itself', BOUND, async () => {
  const { port, ready } = await setUp(['a']);
  ready('a');
  // "read ECONNRESET" is an RST; "socket hang up" would mean the RST was turned into a FIN.
  await assert.rejects(get(port, '/reset'), { code: 'ECONNRESET', message: 'read ECONNRESET' });
});

test(
  'a backend destroyed mid-request is a dropped request for the client, as without the balancer',
  BOUND,
  async () => {
    const { port, ready, byPod } = await setUp(['a']);
    ready('a');
    const failure = (answer: Promise<Answer>) =>
      answer.then(
        () => assert.fail('the request succeeded'),
        (err: NodeJS.ErrnoException) => `${err.code}: ${err.message}`,
      );
    const direct = await failure(get(byPod.a!.port, '/destroy'));
    assert.equal(await failure(get(port, '/destroy')), direct);
    assert.equal(direct, 'ECONNRESET: socket hang up');
  },
);

test('a backend that answers with Connection: close ends the client connection cleanly', BOUND, async () => {
  const { port, ready, balancer } = await setUp(['a']);
  ready('a');
  const keepAlive = new http.Agent({ keepAlive: true });
  cleanups.push(() => keepAlive.destroy());
  const closed = new Promise<boolean>((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/close', agent: keepAlive }, (res) =>
      res.resume(),
    );
    req.on('error', reject);
    req.on('socket', (socket) => socket.once('close', resolve));
  });
  assert.equal(await closed, false, 'the socket closed without an error');
  const deadline = performance.now() + 30_000;
  while (balancer.stats().activeConnections > 0) {
    assert.ok(performance.now() < deadline, 'the proxied connection did not close');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
});

test('close() destroys open connections and leaves no handle behind: the process exits', BOUND, async (t) => {
  const balancerModule = fileURLToPath(
    new URL('../../../../scripts/targets/local/balancer.js', import.meta.url),
  );
  const endpointsModule = fileURLToPath(
    new URL('../../../../scripts/targets/local/endpoints.js', import.meta.url),
  );
  const script = `
    import http from 'node:http';
    const { createBalancer } = await import(${JSON.stringify(balancerModule)});
    const { createEndpoints } = await import(${JSON.stringify(endpointsModule)});
    const backend = http.createServer((req, res) => res.end('ok')).listen(0, '127.0.0.1');
    await new Promise((r) => backend.once('listening', r));
    const endpoints = createEndpoints({ propagationLagMs: 1000 });
    endpoints.setReady('a', backend.address().port);
    endpoints.setReady('b', 1);
    const balancer = createBalancer({ endpoints: { current: () => [{ pod: 'a', port: backend.address().port }] } });
    const port = await balancer.listen();
    const agent = new http.Agent({ keepAlive: true });
    await new Promise((r) => http.get({ host: '127.0.0.1', port, agent }, (res) => res.resume().on('end', r)));
    if (balancer.stats().activeConnections !== 1) process.exit(3);
    await balancer.close();
    endpoints.close();
    backend.close();
    if (balancer.stats().activeConnections !== 0) process.exit(4);
    console.log('closed');
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.after(() => child.kill('SIGKILL'));
  const exited = once(child, 'exit');
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  // Counted from its 'closed', not from the spawn: a cold start takes seconds, a handle left open forever.
  await until(
    'the child closing the balancer',
    () => stdout.includes('closed') || child.exitCode !== null,
    60_000,
  );
  const [code] = await within('the child exiting by itself once all is closed', exited, 5000);
  assert.equal(code, 0, 'the child exited by itself');
});
