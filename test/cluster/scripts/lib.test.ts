import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { bootId, MARKER, processStart, runLibFunction } from '../../support/clusterScripts.js';
import { tempDir } from '../../support/runCli.js';

// cluster/scripts/lib.sh, the checks every cluster script relies on before it touches the host: which folders
// it may make and remove, which process a PID file names, which folder is a cluster's, which binary was built.
// No cluster needed (test-cluster/upDown.test.ts runs the same checks through up.sh and down.sh).

const sleeps: ChildProcess[] = [];
const folders: string[] = [];
after(() => {
  sleeps.forEach((child) => child.kill('SIGKILL'));
  folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true }));
});
const scratchDir = (prefix: string) => {
  const folder = tempDir(prefix);
  folders.push(folder);
  return folder;
};

test('a bad folder setting stops the script with one line naming it: /, relative, .., a symlink, odd characters', () => {
  const link = path.join(scratchDir('zdr-link-'), 'state');
  fs.symlinkSync('/tmp', link);
  for (const [value, reason] of [
    ['/', /^cluster: ZDR_CLUSTER_STATE=\/: the root folder is never a cluster's$/],
    ['var/lib/x', /must be an absolute path$/],
    ['/var/lib/../../etc', /must be a normalized path/],
    ['/var/lib/x/', /no trailing \//],
    ['/var/lib/my cluster', /may hold only letters/],
    [link, /goes through a symlink \(it is \/tmp\)/],
  ] as const) {
    const result = runLibFunction('echo sourced', { ZDR_CLUSTER_STATE: value });
    assert.equal(result.code, 2, value);
    assert.equal(result.stdout, '', 'stopped before anything else ran');
    assert.match(result.stderr.trim(), reason);
    assert.equal(result.stderr.trim().split('\n').length, 1);
  }
  assert.equal(runLibFunction('echo sourced', { ZDR_CLUSTER_STATE: '/var/lib/zdr-x' }).stdout, 'sourced\n');
  assert.match(
    runLibFunction('true', { ZDR_BRIDGE: 'docker0-and-more' }).stderr,
    /ZDR_BRIDGE=docker0-and-more: must be/,
  );
});

test('a PID file matches only the very process it names: its PID, start time, boot and binary', () => {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  const pid = child.pid!;
  sleeps.push(child);
  const exe = fs.readlinkSync(`/proc/${pid}/exe`);
  const folder = scratchDir('zdr-pid-');
  const cases = {
    'every part': `${pid} ${processStart(pid)} ${bootId()} ${exe}`,
    'another binary': `${pid} ${processStart(pid)} ${bootId()} /usr/local/bin/etcd`,
    'another start (the PID reused)': `${pid} ${Number(processStart(pid)) + 1} ${bootId()} ${exe}`,
    'another boot': `${pid} ${processStart(pid)} 00000000-0000-0000-0000-000000000000 ${exe}`,
    'a bare PID, as PID files used to be': `${pid}`,
  };
  const matches = Object.entries(cases).map(([name, line]) => {
    const file = path.join(folder, `${name.replaceAll(' ', '-')}.pid`);
    fs.writeFileSync(file, `${line}\n`);
    return [name, runLibFunction(`pid_file_matches '${file}'`).stdout.trim()];
  });
  assert.deepEqual(Object.fromEntries(matches), {
    'every part': String(pid),
    'another binary': '',
    'another start (the PID reused)': '',
    'another boot': '',
    'a bare PID, as PID files used to be': '',
  });
});

test('a folder is a cluster’s only with the marker naming that very folder', () => {
  const state = path.join(scratchDir('zdr-marker-'), 'state');
  const env = { ZDR_CLUSTER_STATE: state };
  const ok = () => runLibFunction('marker_ok "$state_dir"', env).code;
  assert.notEqual(ok(), 0, 'not there');
  fs.mkdirSync(state);
  assert.notEqual(ok(), 0, 'no marker');
  fs.writeFileSync(path.join(state, MARKER), 'state=/var/lib/zero-downtime-rollout/cluster\n');
  assert.notEqual(ok(), 0, 'a marker naming another folder (copied)');
  fs.writeFileSync(path.join(state, MARKER), `state=${state}\nbridge=zdr9\n`);
  assert.equal(ok(), 0, 'the control: marked');
  assert.equal(runLibFunction('owned bridge', env).stdout, 'zdr9\n');
});

test('a binary counts as built only with the checksum the build manifest holds for it', () => {
  const cache = scratchDir('zdr-cache-');
  const bin = path.join(cache, 'bin', runLibFunction('echo "$build_key"').stdout.trim());
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'pause'), 'a binary');
  const sum = runLibFunction(`sha256sum '${bin}/pause' | cut -d' ' -f1`).stdout.trim();
  fs.writeFileSync(path.join(bin, 'SHA256SUMS'), `${sum}  pause\n`);
  const env = { ZDR_CLUSTER_CACHE: cache };
  assert.equal(runLibFunction('verify_binary pause', env).code, 0, 'the control: as built');
  fs.appendFileSync(path.join(bin, 'pause'), ' changed');
  assert.notEqual(runLibFunction('verify_binary pause', env).code, 0, 'changed since it was built');
  assert.notEqual(runLibFunction('verify_binary kubelet', env).code, 0, 'not in the manifest');
});
