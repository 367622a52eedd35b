import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, test } from 'node:test';

import {
  deploymentSettings,
  type DeploymentSettings,
} from '../../../../scripts/manifests/deploymentSettings.js';
import { type ContainerSettings } from '../../../../scripts/manifests/containerSettings.js';
import { renderKustomization } from '../../../../scripts/manifests/renderKustomization.js';
import { createConfigMaps } from '../../../../scripts/targets/local/configMaps.js';
import { createLocalPod, restartDelayMs, type LocalPod } from '../../../../scripts/targets/local/localPod.js';

/** dist/test/scripts/targets/local → the repository root. */
const ROOT = path.resolve(import.meta.dirname, '../../../../..');
const SERVICE_ENTRY = path.join(ROOT, 'dist/service/main.js');
/** The v1 overlay's objects, its generated ConfigMap among them: what the pods' env reads GREETING from. */
const V1_OBJECTS = renderKustomization(path.join(ROOT, 'k8s/overlays/v1'));

/** The local cluster's ConfigMaps, holding the v1 overlay's. */
function v1ConfigMaps() {
  const configMaps = createConfigMaps();
  configMaps.apply(V1_OBJECTS);
  return configMaps;
}

/**
 * The v1 overlay as users get it, with its timings shrunk so a test takes a second, not a minute:
 * probes every 100 ms, preStop 0.3 s, the app's drain 200 ms.
 */
function v1(container: Partial<ContainerSettings> = {}): DeploymentSettings {
  const settings = deploymentSettings(V1_OBJECTS);
  const fast = <T extends { periodSeconds: number } | null>(probe: T): T =>
    probe && { ...probe, periodSeconds: 0.1 };
  const spec = settings.container;
  return {
    ...settings,
    terminationGracePeriodSeconds: 5,
    container: {
      ...spec,
      env: { ...spec.env, SHUTDOWN_DELAY_MS: '200', SHUTDOWN_TIMEOUT_MS: '1000' },
      readinessProbe: fast(spec.readinessProbe),
      livenessProbe: fast(spec.livenessProbe),
      startupProbe: fast(spec.startupProbe),
      preStop: { type: 'sleep', seconds: 0.3 },
      ...container,
    },
  };
}

interface Recorded {
  what: string;
  at: number;
  detail?: string;
}

let logDir = '';
before(() => {
  logDir = fs.mkdtempSync(path.join(os.tmpdir(), 'local-pod-'));
});
after(() => fs.rmSync(logDir, { recursive: true, force: true }));

const pods: LocalPod[] = [];
afterEach(async () => {
  await Promise.all(pods.splice(0).map((pod) => pod.kill()));
  assert.deepEqual(childPids(), [], 'no pod process is left behind');
});

let counter = 0;

/** A pod whose endpoint changes and events all land, timestamped, in one ordered log. */
function makePod(template: DeploymentSettings, entry = SERVICE_ENTRY, onSetReady?: (port: number) => void) {
  const log: Recorded[] = [];
  const name = `hello-v1-${++counter}`;
  const pod = createLocalPod({
    name,
    revision: 'v1',
    template,
    entry,
    logDir,
    configMaps: v1ConfigMaps(),
    kubeletSyncMs: 60_000,
    endpoints: {
      setReady(pod, port) {
        log.push({ what: `setReady ${pod}`, at: Date.now() });
        onSetReady?.(port);
      },
      remove(pod) {
        log.push({ what: `remove ${pod}`, at: Date.now() });
      },
    },
    onEvent: (kind, detail) => log.push({ what: kind, at: Date.now(), ...(detail ? { detail } : {}) }),
  });
  pods.push(pod);
  return { pod, log, name, logFile: path.join(logDir, `${name}.log`) };
}

/** A bound on each test: a pod that never starts or stops fails its test instead of hanging the run. */
const BOUND = { timeout: 90_000 };

/** Polls (every 20 ms, for at most `timeoutMs`: a bound, generous for a cold machine) until `condition` holds. */
async function until(condition: () => boolean, what: string, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    assert.ok(performance.now() < deadline, `${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The service's JSON log line with this message, if written yet. */
function logLine(file: string, msg: string): { time: number } | undefined {
  if (!fs.existsSync(file)) return undefined;
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { msg: string; time: number })
    .find((entry) => entry.msg === msg);
}

/** Processes whose parent is this test process and that run the service entry (Linux /proc). */
function childPids(entry = SERVICE_ENTRY): number[] {
  const pids: number[] = [];
  for (const pid of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (ppid === process.pid && cmdline.includes(entry)) pids.push(Number(pid));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

const whats = (log: Recorded[]) => log.map((entry) => entry.what);

test('restart back-off: at once the first time, then 10 s doubling up to 5 minutes', () => {
  const table: Array<[restarts: number, delayMs: number]> = [
    [0, 0],
    [1, 10_000],
    [2, 20_000],
    [3, 40_000],
    [4, 80_000],
    [5, 160_000],
    [6, 300_000],
    [7, 300_000],
    [50, 300_000],
  ];
  for (const [restarts, delayMs] of table)
    assert.equal(restartDelayMs(restarts), delayMs, `after ${restarts}`);
});

test(
  'with a readiness probe, the pod joins the endpoints only once /health has answered',
  BOUND,
  async () => {
    const { pod, log, name, logFile } = makePod(v1());
    await pod.start();
    await until(() => whats(log).includes('ready'), 'ready');
    const joined = log.find((entry) => entry.what === `setReady ${name}`)!;
    const listening = logLine(logFile, 'ready');
    assert.ok(listening, 'the service logged that it listens');
    assert.ok(joined.at >= listening.time, `joined at ${joined.at}, listening since ${listening.time}`);
    assert.deepEqual(whats(log), ['created', 'ready', `setReady ${name}`]);
    assert.match(log[1]!.detail!, /readiness probe: HTTP 200/);
    const health = await fetch(`http://127.0.0.1:${pod.port}/health`);
    assert.equal(health.status, 200);
  },
);

test(
  'with no readiness probe, the pod is ready as soon as its process starts, before it listens',
  BOUND,
  async () => {
    let refused: Promise<string> = Promise.resolve('never tried');
    const template = v1({ readinessProbe: null, startupProbe: null, livenessProbe: null });
    // At the very moment the pod joins the endpoints, try to connect, as a client sent there would.
    const { pod, log, name, logFile } = makePod(template, SERVICE_ENTRY, (port) => {
      refused = new Promise((resolve) => {
        const socket = net.connect({ host: '127.0.0.1', port });
        socket.once('connect', () => (socket.destroy(), resolve('connected')));
        socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
      });
    });
    await pod.start();
    assert.deepEqual(whats(log), ['created', 'ready', `setReady ${name}`], 'ready within start() itself');
    assert.equal(await refused, 'ECONNREFUSED', 'a client sent there right then is refused');
    await until(() => logLine(logFile, 'ready') !== undefined, 'the service listening');
    assert.ok(log[2]!.at <= logLine(logFile, 'ready')!.time);
  },
);

test(
  'terminate() takes the pod out of the endpoints at once; SIGTERM follows after preStop',
  BOUND,
  async () => {
    const { pod, log, name, logFile } = makePod(v1());
    await pod.start();
    await until(() => whats(log).includes('ready'), 'ready');
    const before = log.length;
    const done = pod.terminate();
    // Both within the terminate() call itself, before anything else can run.
    assert.deepEqual(whats(log.slice(before)), ['terminating', `remove ${name}`]);
    assert.equal(pod.terminating, true);
    const removedAt = log.at(-1)!.at;
    await done;
    const sigterm = logLine(logFile, 'signal received; readiness now answers 503');
    assert.ok(sigterm, 'the service saw SIGTERM');
    // After the 0.3 s preStop; before the 5 s grace deadline, where SIGTERM would come if preStop were not
    // what it waits for (an order: how long the signal takes to arrive is no part of it).
    const afterRemoval = sigterm.time - removedAt;
    assert.ok(afterRemoval >= 300 - 2 && afterRemoval < 5000, `SIGTERM ${afterRemoval} ms after removal`);
    const exited = log.at(-1)!;
    assert.equal(exited.what, 'exited');
    assert.match(exited.detail!, /^code 0 \(preStop: sleep 0\.3 s → SIGTERM\)$/);
    assert.equal(pod.readySince, null);
    assert.equal(whats(log).filter((what) => what.startsWith('setReady')).length, 1, 'never back in');
  },
);

test('kill() ends the process at once, without grace, and leaves no process behind', BOUND, async () => {
  // The overlay's own termination settings: preStop 2 s, grace 15 s. kill() skips all of it.
  const settings = deploymentSettings(renderKustomization(path.join(ROOT, 'k8s/overlays/v1')));
  const { pod, log, name, logFile } = makePod({
    ...settings,
    container: { ...settings.container, startupProbe: null, livenessProbe: null, readinessProbe: null },
  });
  await pod.start();
  await until(() => logLine(logFile, 'ready') !== undefined, 'the service listening');
  const [pid, ...others] = childPids();
  assert.ok(pid !== undefined && others.length === 0, 'one pod process');
  const preStop = settings.container.preStop;
  assert.ok(preStop.type === 'sleep' && preStop.seconds >= 2, 'the overlay has a preStop sleep to skip');
  const startedAt = performance.now();
  await pod.kill();
  // An order: gone before the preStop alone would have ended.
  assert.ok(performance.now() - startedAt < preStop.seconds * 1000, 'no preStop, no grace period');
  assert.throws(() => process.kill(pid, 0), { code: 'ESRCH' });
  assert.ok(whats(log).includes(`remove ${name}`), 'out of the endpoints');
});

// A container that crashes right after start, noting each start in a file.
const CRASHER = `
import fs from 'node:fs';
fs.appendFileSync(process.env.STARTS_FILE, process.pid + '\\n');
setTimeout(() => process.exit(1), 100);
`;

test('a crashing container is restarted at once, then held back by the back-off', BOUND, async () => {
  const entry = path.join(logDir, 'crasher.mjs');
  fs.writeFileSync(entry, CRASHER);
  const startsFile = path.join(logDir, 'starts');
  const template = v1({
    readinessProbe: null,
    startupProbe: null,
    livenessProbe: null,
    env: { APP_VERSION: '1', STARTS_FILE: startsFile },
  });
  const { pod, log, name } = makePod(template, entry);
  await pod.start();
  await until(() => whats(log).filter((what) => what === 'restarted').length === 2, 'two crashes');
  const restarts = log.filter((entry) => entry.what === 'restarted').map((entry) => entry.detail);
  assert.deepEqual(restarts, [
    'container exited (code 1); restart 1 in 0 s',
    'container exited (code 1); restart 2 in 10 s',
  ]);
  assert.equal(pod.restarts, 2);
  assert.equal(fs.readFileSync(startsFile, 'utf8').trim().split('\n').length, 2, 'started twice so far');
  // Each crash takes the pod out of the endpoints.
  assert.deepEqual(
    whats(log).filter((what) => what.includes(name)),
    [`setReady ${name}`, `remove ${name}`, `setReady ${name}`, `remove ${name}`],
  );
  await pod.kill();
  assert.equal(fs.readFileSync(startsFile, 'utf8').trim().split('\n').length, 2);
  assert.deepEqual(childPids(entry), []);
});

test(
  'a container whose ConfigMap key is missing is not started, and is tried again with back-off',
  BOUND,
  async () => {
    const log: Recorded[] = [];
    const pod = createLocalPod({
      name: `hello-v1-${++counter}`,
      revision: 'v1',
      template: v1(),
      entry: SERVICE_ENTRY,
      logDir,
      configMaps: createConfigMaps(),
      kubeletSyncMs: 60_000,
      endpoints: { setReady: () => {}, remove: () => {} },
      onEvent: (kind, detail) => log.push({ what: kind, at: Date.now(), ...(detail ? { detail } : {}) }),
    });
    pods.push(pod);
    await pod.start();
    await until(() => log.some((entry) => entry.what === 'restarted'), 'a restart');
    const restart = log.find((entry) => entry.what === 'restarted')!;
    assert.match(
      restart.detail!,
      /^CreateContainerConfigError: couldn't find key GREETING in ConfigMap hello-config-[a-z0-9]{10} \(env GREETING\); restart 1 in 0 s$/,
    );
    assert.deepEqual(childPids(), [], 'no process was started');
  },
);
