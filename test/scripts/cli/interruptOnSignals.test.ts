import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeCluster, type FakeCluster } from '../../support/fakeCluster.js';
import { STANDINS, type RecordedCall } from '../../support/kindCliRun.js';
import { DEMO_ROLLOUT, tempDir } from '../../support/runCli.js';
import { until, within } from '../../support/until.js';

// Ctrl-C as a terminal sends it: to the whole foreground process group, which is the demo and the
// tools it runs in the foreground (kubectl), but not k6, which runs in a group of its own.

let cluster: FakeCluster;
let kubeconfig: string;

before(async () => {
  cluster = await startFakeCluster();
  kubeconfig = cluster.writeKubeconfig(tempDir('kubeconfig-'), 'kind-zero-downtime');
});
after(() => cluster.close());

/** Alive and not a zombie (an exited child nobody reaped yet is gone for this purpose). */
function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

test(
  'a second Ctrl-C ends the run at once and takes k6, which runs detached, with it',
  { timeout: 240_000 },
  async (t) => {
    const work = tempDir('ctrl-c-');
    const log = path.join(work, 'standin.log');
    const child = spawn(
      process.execPath,
      [
        DEMO_ROLLOUT,
        ...['--target', 'kind', '--load', 'k6', '--lb-port', String(cluster.servicePort)],
        ...['--warmup', '60', '--rate', '20', '--out', path.join(work, 'report')],
      ],
      {
        // Its own process group, as a shell gives a foreground job: a signal to -pid is a Ctrl-C.
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: [STANDINS, path.dirname(process.execPath), '/usr/bin', '/bin'].join(path.delimiter),
          HOME: work,
          KUBECONFIG: kubeconfig,
          STANDIN_CLUSTER: cluster.apiUrl,
          STANDIN_LOG: log,
          // Real k6 takes its time after the first signal: handleSummary, flushing every output.
          K6_STANDIN_WIND_DOWN_MS: '60000',
        },
      },
    );
    let stdout = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stdout += chunk));
    const exited = once(child, 'exit');
    const k6Pid = (): number | undefined =>
      fs.existsSync(log)
        ? fs
            .readFileSync(log, 'utf8')
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as RecordedCall & { pid?: number })
            .find((call) => call.tool === 'k6')?.pid
        : undefined;
    t.after(() => {
      const pid = k6Pid();
      if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL');
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    });

    // A dozen stand-in processes start first: generous, as a bound must be on a cold machine.
    await until('k6 started', () => /load started/.test(stdout) && k6Pid() !== undefined, 120_000);
    const pid = k6Pid()!;
    assert.ok(isRunning(pid), 'k6 runs');
    process.kill(-child.pid!, 'SIGINT');
    await until(
      'the first Ctrl-C stopping the load',
      () => /interrupted: stopping load/.test(stdout),
      30_000,
    );
    process.kill(-child.pid!, 'SIGINT');
    // "At once" is an order: before k6's 60 s wind-down, which the first Ctrl-C is waiting for, could end.
    const [code, signal] = (await within('the run ending at the second Ctrl-C', exited, 30_000)) as [
      number | null,
      string | null,
    ];
    assert.deepEqual([code, signal], [130, null], stdout);
    assert.match(stdout, /SIGINT again: stopping at once, no report/);
    await until('k6 gone', () => !isRunning(pid), 30_000);
  },
);
