import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import {
  alive,
  bootId,
  CGROUP_ROOT,
  clusterHealthy,
  CONTEXT,
  describe,
  interfaceExists,
  ip,
  iptables,
  kubectl,
  listing,
  MARKER,
  processStart,
  recordedSysctls,
  runScript,
  startScript,
  STATE,
  sysctl,
} from '../test/support/clusterScripts.js';
import { tempDir } from '../test/support/runCli.js';

// cluster:up and cluster:down on the real cluster touch only what up made, and leave the host as they found it:
// a folder without up's marker is refused, a PID file naming another process signals nothing, an interface without
// up's alias stays, a second up or down while one runs is refused, Ctrl-C during up takes down what it made, and
// the host settings and pod log folders are back as they were. Runs last in test:cluster (the name sorts last): it
// takes the cluster down and brings it up again, as the rest of CI expects to find it.

const UP_TIMEOUT_MS = 600_000;
const scratch: Array<() => void> = [];
// Every test here starts from the cluster cluster:up made: without it, an up a test expects to be refused could
// make a cluster of its own.
before(() =>
  assert.ok(clusterHealthy(), 'no healthy cluster: run npm run cluster:up and export its KUBECONFIG'),
);
after(() => {
  for (const clean of scratch.reverse()) {
    try {
      clean();
    } catch {
      // already gone
    }
  }
});

/** A `sleep` of the test's own, standing for a process that now holds a PID a cluster once recorded. */
/** A folder of the test's own under the system's temporary folder, removed when the file's tests end. */
function scratchDir(prefix: string): string {
  const folder = tempDir(prefix);
  scratch.push(() => fs.rmSync(folder, { recursive: true, force: true }));
  return folder;
}
function startSleep(): number {
  const child = spawn('sleep', ['600'], { stdio: 'ignore', detached: true });
  child.unref();
  // Through the ChildProcess, which knows when it has exited: a bare PID may be another process's by then.
  scratch.push(() => child.kill('SIGKILL'));
  return child.pid!;
}
function addBridge(name: string, alias?: string) {
  ip('link', 'add', name, 'type', 'bridge');
  scratch.push(() => ip('link', 'delete', name));
  if (alias) ip('link', 'set', name, 'alias', alias);
}
const LOG_POD = `
apiVersion: v1
kind: Pod
metadata: { name: updown-logs }
spec:
  containers:
    - name: hello
      image: hello:v1
      imagePullPolicy: Never
      env: [{ name: WORK_DELAY_MS, value: '0' }]
      readinessProbe: { httpGet: { path: /health, port: 8080 }, periodSeconds: 1 }
`;
const podLogs = () => ({ pods: listing('/var/log/pods'), containers: listing('/var/log/containers') });

test('down refuses a folder up did not make, /, and a relative path, and deletes nothing; up refuses it too', () => {
  const unmarked = scratchDir('zdr-unmarked-');
  fs.writeFileSync(path.join(unmarked, 'data'), 'precious');
  // A marker copied from elsewhere names another folder: refused as well.
  const copied = scratchDir('zdr-copied-');
  fs.writeFileSync(path.join(copied, MARKER), `state=${STATE}\n`);
  for (const folder of [unmarked, copied]) {
    const down = runScript('down', [], { ZDR_CLUSTER_STATE: folder });
    assert.equal(down.code, 2, describe(down));
    assert.match(down.stderr, /was not made by cluster:up .*nothing was touched/);
  }
  const up = runScript('up', [], { ZDR_CLUSTER_STATE: unmarked });
  assert.equal(up.code, 2, describe(up));
  assert.match(up.stderr, /exists and cluster:up did not make it/);
  assert.equal(fs.readFileSync(path.join(unmarked, 'data'), 'utf8'), 'precious');
  for (const [value, reason] of [
    ['/', /the root folder is never a cluster's/],
    ['srv/data', /must be an absolute path/],
    ['/srv/../etc', /must be a normalized path/],
  ] as const) {
    const down = runScript('down', [], { ZDR_CLUSTER_STATE: value });
    assert.equal(down.code, 2, describe(down));
    assert.match(down.stderr, reason);
    assert.equal(down.stderr.trim().split('\n').length, 1, 'one line');
  }
  assert.ok(clusterHealthy(), 'the cluster was not touched');
});

test('down removes a marked folder and only what its marker lists: matching PID files only, tagged bridges only', () => {
  const root = scratchDir('zdr-marked-');
  const state = path.join(root, 'state');
  const run = path.join(root, 'run');
  fs.mkdirSync(state);
  fs.mkdirSync(run);
  fs.writeFileSync(path.join(run, MARKER), `state=${state}\n`);
  // One sleep whose PID file matches in every part (the control: down does stop what it recorded), and three
  // whose PID files match in all but one: the binary, the start time, the boot.
  const sleep = spawnedExe();
  const pids = {
    ours: startSleep(),
    otherBinary: startSleep(),
    otherStart: startSleep(),
    otherBoot: startSleep(),
  };
  const record = (pid: number, fields: { start?: string; boot?: string; exe?: string } = {}) =>
    `${pid} ${fields.start ?? processStart(pid)} ${fields.boot ?? bootId()} ${fields.exe ?? sleep}\n`;
  fs.writeFileSync(path.join(run, 'kube-proxy.pid'), record(pids.ours));
  fs.writeFileSync(path.join(run, 'etcd.pid'), record(pids.otherBinary, { exe: '/usr/local/bin/etcd' }));
  fs.writeFileSync(
    path.join(run, 'kubelet.pid'),
    record(pids.otherStart, { start: String(Number(processStart(pids.otherStart)) - 1) }),
  );
  fs.writeFileSync(path.join(run, 'containerd.pid'), record(pids.otherBoot, { boot: 'another-boot' }));
  addBridge('zdrst0'); // named in the marker, but without up's alias
  addBridge('zdrst1', `zero-downtime-rollout:${state}`);
  assert.equal(iptables('iptables', '-N', 'ZDR-SELFTEST').code, 0);
  assert.equal(iptables('iptables', '-A', 'INPUT', '-i', 'zdrst1', '-j', 'ZDR-SELFTEST').code, 0);
  scratch.push(() => {
    iptables('iptables', '-D', 'INPUT', '-i', 'zdrst1', '-j', 'ZDR-SELFTEST');
    iptables('iptables', '-X', 'ZDR-SELFTEST');
  });
  fs.writeFileSync(
    path.join(state, MARKER),
    [
      `state=${state}`,
      `run=${run}`,
      'bridge=zdrst0',
      'bridge=zdrst1',
      'chain=iptables:filter:ZDR-SELFTEST',
      '',
    ].join('\n'),
  );

  const down = runScript('down', [], { ZDR_CLUSTER_STATE: state });
  assert.equal(down.code, 0, describe(down));
  assert.ok(!alive(pids.ours), 'the process its PID file names, in every part, was stopped');
  for (const name of ['otherBinary', 'otherStart', 'otherBoot'] as const) {
    assert.ok(alive(pids[name]), `the sleep behind a PID file with another ${name.slice(5)} was signalled`);
  }
  assert.ok(interfaceExists('zdrst0'), 'an interface without the alias stays');
  assert.match(down.stderr, /left interface zdrst0 alone/);
  assert.ok(!interfaceExists('zdrst1'), 'the tagged bridge is deleted');
  assert.notEqual(iptables('iptables', '-S', 'ZDR-SELFTEST').code, 0, 'the chain it lists is deleted');
  assert.ok(!fs.existsSync(state) && !fs.existsSync(run), 'both folders are removed');
  // Nothing of the real cluster it does not list: its chains, its cgroups, the cluster itself.
  assert.equal(iptables('iptables', '-S', 'ZDR-INPUT').code, 0);
  assert.equal(iptables('iptables', '-t', 'nat', '-S', 'KUBE-SERVICES').code, 0);
  assert.ok(
    fs.existsSync(`/sys/fs/cgroup/pids/${CGROUP_ROOT}`) || fs.existsSync(`/sys/fs/cgroup/${CGROUP_ROOT}`),
  );
  assert.ok(clusterHealthy());
});

/** The path of the `sleep` binary, as /proc/PID/exe shows it. */
function spawnedExe(): string {
  const pid = startSleep();
  return fs.readlinkSync(`/proc/${pid}/exe`);
}

test('every binary build.sh builds is in its manifest and matches it (test/cluster/scripts/lib.test.ts: a changed one does not)', () => {
  const build = runScript('build');
  assert.equal(build.code, 0, describe(build));
  assert.doesNotMatch(build.stdout, /==> .* building /, 'nothing built again');
  for (const name of [
    'pause',
    'etcd',
    'kube-apiserver',
    'kube-controller-manager',
    'kube-scheduler',
    'kube-proxy',
    'kubelet',
  ]) {
    assert.match(build.stdout, new RegExp(`^ {4}${name}: cached \\(checksum as in the manifest\\)$`, 'm'));
  }
});

test('up refuses to start beside another Kubernetes: with the cluster up, a second one stops at its KUBE- chains', () => {
  const root = scratchDir('zdr-second-');
  const env = { ZDR_CLUSTER_STATE: path.join(root, 'state'), ZDR_CLUSTER_RUN: path.join(root, 'run') };
  const up = runScript('up', [], env);
  if (up.code === 0) runScript('down', [], env); // a second cluster after all: not left running
  assert.equal(up.code, 2, describe(up));
  assert.match(up.stderr, /another Kubernetes is on this machine \(iptables -t \w+ chain KUBE-/);
  assert.deepEqual(fs.readdirSync(root), [], 'nothing made');
  assert.ok(clusterHealthy());
});

test(
  'a second up or down during up is refused; Ctrl-C during up leaves nothing; the host is as before up; up again',
  { timeout: UP_TIMEOUT_MS * 2 },
  async (t) => {
    const started = Date.now();
    const mark = (what: string) => t.diagnostic(`${what} at +${Math.round((Date.now() - started) / 1000)} s`);
    // What up found before it changed anything (its own record), and the proof that the record can fail: while
    // the cluster runs, kube-proxy's route_localnet differs from it. kube-proxy leaves conntrack's timeouts alone.
    const before = recordedSysctls();
    assert.equal(before.get('net.ipv4.conf.all.route_localnet'), '0', 'recorded before kube-proxy set it');
    assert.equal(sysctl('net.ipv4.conf.all.route_localnet'), '1');
    for (const key of ['nf_conntrack_tcp_timeout_established', 'nf_conntrack_tcp_timeout_close_wait']) {
      assert.equal(sysctl(`net.netfilter.${key}`), before.get(`net.netfilter.${key}`), `${key} while up`);
    }
    // Pod logs live in the state; the kubelet links them from /var/log/containers and leaves /var/log/pods alone.
    // A pod of our own, so that there are logs to look for.
    const apply = spawn('kubectl', ['--context', CONTEXT, 'apply', '-f', '-'], {
      stdio: ['pipe', 'ignore', 'inherit'],
    });
    apply.stdin.end(LOG_POD);
    await once(apply, 'exit');
    kubectl('wait', '--for=condition=Ready', 'pod/updown-logs', '--timeout=120s');
    const logsBefore = podLogs();
    const links = (logsBefore.containers ?? []).filter((name) =>
      fs.readlinkSync(path.join('/var/log/containers', name)).startsWith(`${STATE}/`),
    );
    assert.ok(links.length > 0, 'the pods running now are linked from /var/log/containers');
    const madeContainersDir = fs
      .readFileSync(path.join(STATE, MARKER), 'utf8')
      .includes('made_dir=/var/log/containers');

    // up --recreate: down, then a new cluster; interrupted once its kubelet starts.
    const up = startScript('up', ['--recreate']);
    await up.waitForOutput(/==> \[\+ *\d+s\] kubelet \(node/, UP_TIMEOUT_MS);
    for (const second of [runScript('up'), runScript('down')]) {
      assert.equal(second.code, 2, describe(second));
      assert.match(second.stderr, /another cluster:up or cluster:down is running \(pid \d+\)/);
    }
    mark('up --recreate reached the kubelet');
    up.child.kill('SIGINT');
    assert.equal(await up.exited, 130, up.stdout() + up.stderr());
    assert.match(up.stderr(), /cluster:up did not finish \(exit 130\): taking down what it made/);
    const leftovers = runScript('leftovers');
    assert.equal(leftovers.code, 0, describe(leftovers));
    for (const [key, value] of before) assert.equal(sysctl(key), value, `${key} after down`);
    const logsAfter = podLogs();
    assert.deepEqual(logsAfter.pods, logsBefore.pods, '/var/log/pods');
    if (madeContainersDir)
      assert.equal(logsAfter.containers, null, '/var/log/containers was made by up: gone');
    else
      assert.deepEqual(
        logsAfter.containers,
        logsBefore.containers!.filter((name) => !links.includes(name)),
      );

    // An interface that is not ours under our bridge's name stops up before it makes anything.
    addBridge('zdrst2');
    mark('the interrupted up took down what it made');
    const taken = runScript('up', [], { ZDR_BRIDGE: 'zdrst2' });
    assert.equal(taken.code, 2, describe(taken));
    assert.match(
      taken.stderr,
      /ZDR_BRIDGE=zdrst2: an interface of that name exists and cluster:up did not make it/,
    );
    assert.ok(interfaceExists('zdrst2'));
    assert.equal(runScript('leftovers').code, 0);

    // Up again, for the rest of CI: it records the same host it found the first time.
    const again = runScript('up');
    mark('up again');
    assert.equal(again.code, 0, describe(again));
    assert.match(again.stdout, /^export KUBECONFIG=/m);
    assert.deepEqual(recordedSysctls(), before);
    assert.ok(clusterHealthy());
    const healthy = runScript('up');
    assert.equal(healthy.code, 0, describe(healthy));
    assert.match(healthy.stdout, /already up and healthy/);
  },
);
