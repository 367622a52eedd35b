import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

// cluster/kind-node/docker/runc-bounded: Docker's runtime where root lacks a capability. It must drop exactly
// the capabilities this process's bounding set lacks, from `create`'s bundle and from `exec`'s process file,
// and hand every argument to the real runc unchanged.

const WRAPPER = path.resolve(import.meta.dirname, '../../../../cluster/kind-node/docker/runc-bounded');
const folders: string[] = [];
after(() => folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));
const hasJq = spawnSync('jq', ['--version']).status === 0;

function scratch(): { dir: string; fakeRunc: string; log: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'zdr-runc-'));
  folders.push(dir);
  const log = path.join(dir, 'args');
  const fakeRunc = path.join(dir, 'runc');
  fs.writeFileSync(fakeRunc, `#!/bin/sh\nprintf '%s\\n' "$@" > '${log}'\n`, { mode: 0o755 });
  return { dir, fakeRunc, log };
}

/** Capability names this process's bounding set lacks, as the kernel numbers them. */
function missingCapabilities(all: string[]): string[] {
  const status = fs.readFileSync('/proc/self/status', 'utf8');
  const bounding = BigInt(`0x${/^CapBnd:\s*([0-9a-f]+)/m.exec(status)![1]}`);
  return all.filter((_, bit) => ((bounding >> BigInt(bit)) & 1n) === 0n);
}
const NAMES = [
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_DAC_READ_SEARCH',
  'CAP_FOWNER',
  'CAP_FSETID',
  'CAP_KILL',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETPCAP',
  'CAP_LINUX_IMMUTABLE',
  'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST',
  'CAP_NET_ADMIN',
  'CAP_NET_RAW',
  'CAP_IPC_LOCK',
  'CAP_IPC_OWNER',
  'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO',
  'CAP_SYS_CHROOT',
  'CAP_SYS_PTRACE',
  'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN',
  'CAP_SYS_BOOT',
  'CAP_SYS_NICE',
  'CAP_SYS_RESOURCE',
];

test(
  'create: the bundle keeps every held capability, loses the ones root lacks, and runc gets the same args',
  { skip: !hasJq && 'jq is not installed' },
  () => {
    const { dir, fakeRunc, log } = scratch();
    const caps = { bounding: NAMES, effective: NAMES, permitted: NAMES };
    fs.writeFileSync(
      path.join(dir, 'config.json'),
      JSON.stringify({ process: { capabilities: caps }, root: {} }),
    );
    const args = ['--root', '/run/x', 'create', '--bundle', dir, '--pid-file', '/tmp/p', 'id1'];
    const result = spawnSync(WRAPPER, args, {
      env: { ...process.env, ZDR_REAL_RUNC: fakeRunc },
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), args);
    const written = JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    const kept = NAMES.filter((name) => !missingCapabilities(NAMES).includes(name));
    for (const set of ['bounding', 'effective', 'permitted'])
      assert.deepEqual(written.process.capabilities[set], kept);
    assert.deepEqual(written.root, {}, 'nothing else changes');
  },
);

test(
  'exec: the process file loses the same capabilities; other commands pass through untouched',
  { skip: !hasJq && 'jq is not installed' },
  () => {
    const { dir, fakeRunc, log } = scratch();
    const processFile = path.join(dir, 'process.json');
    fs.writeFileSync(processFile, JSON.stringify({ capabilities: { bounding: NAMES }, args: ['sh'] }));
    const env = { ...process.env, ZDR_REAL_RUNC: fakeRunc };
    assert.equal(spawnSync(WRAPPER, ['exec', '--process', processFile, 'id1'], { env }).status, 0);
    const written = JSON.parse(fs.readFileSync(processFile, 'utf8'));
    assert.equal(written.capabilities.bounding.length, NAMES.length - missingCapabilities(NAMES).length);
    assert.deepEqual(written.args, ['sh']);
    assert.equal(spawnSync(WRAPPER, ['delete', '--force', 'id1'], { env }).status, 0);
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), ['delete', '--force', 'id1']);
  },
);
