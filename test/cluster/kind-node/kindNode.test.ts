import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { parseAllDocuments } from 'yaml';

// cluster/kind-node: what the kind node image is made of, checked without Docker (the image itself is built
// and booted by test-kind/). The content key, the cluster's build key it must leave alone, the files kind reads.

const REPO = path.resolve(import.meta.dirname, '../../../..');
const KIND_NODE = path.join(REPO, 'cluster', 'kind-node');
const folders: string[] = [];
after(() => folders.forEach((folder) => fs.rmSync(folder, { recursive: true, force: true })));

/** Runs bash with lib.sh and key.sh of a copy of cluster/ (or the checkout's), returning stdout. */
function bash(script: string, clusterDir = path.join(REPO, 'cluster'), env: NodeJS.ProcessEnv = {}): string {
  const result = spawnSync(
    'bash',
    [
      '-c',
      `set -euo pipefail; source "${clusterDir}/scripts/lib.sh"; source "${clusterDir}/kind-node/key.sh"; ${script}`,
    ],
    { encoding: 'utf8', env: { ...process.env, ZDR_CLUSTER_CACHE: path.join(clusterDir, '.cache'), ...env } },
  );
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

function copyOfCluster(): string {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'zdr-kind-node-'));
  folders.push(folder);
  fs.cpSync(path.join(REPO, 'cluster'), path.join(folder, 'cluster'), { recursive: true });
  return path.join(folder, 'cluster');
}

test('the node image key changes with a file of its root, and with nothing outside what it is made of', () => {
  const cluster = copyOfCluster();
  const key = bash('kind_node_key', cluster);
  assert.match(key, /^[0-9a-f]{16}$/);
  assert.equal(bash('kind_node_key', cluster), key, 'the same inputs give the same key');
  fs.writeFileSync(path.join(cluster, 'scripts', 'status.sh'), '# not part of the image\n');
  assert.equal(bash('kind_node_key', cluster), key, 'a cluster script the image does not hold');
  fs.appendFileSync(path.join(cluster, 'kind-node', 'rootfs', 'etc', 'containerd', 'config.toml'), '\n');
  const changed = bash('kind_node_key', cluster);
  assert.notEqual(changed, key, 'a changed file of the node root');
  fs.chmodSync(path.join(cluster, 'kind-node', 'rootfs', 'usr', 'local', 'bin', 'entrypoint'), 0o700);
  assert.notEqual(bash('kind_node_key', cluster), changed, 'a changed mode');
});

test('the node image key follows the checksums of the binaries it holds', () => {
  const cluster = copyOfCluster();
  const [binDir, kindBinDir] = bash('echo "$bin_dir"; echo "$kind_bin_dir"', cluster).split('\n');
  fs.mkdirSync(binDir!, { recursive: true });
  fs.mkdirSync(kindBinDir!, { recursive: true });
  fs.writeFileSync(path.join(binDir!, 'SHA256SUMS'), `${'a'.repeat(64)}  kubelet\n`);
  const key = bash('kind_node_key', cluster);
  fs.writeFileSync(path.join(kindBinDir!, 'SHA256SUMS'), `${'b'.repeat(64)}  kubeadm\n`);
  assert.notEqual(bash('kind_node_key', cluster), key, 'a rebuilt kubeadm');
});

test("the modules only the node image needs leave the real cluster's build key (and so CI's cache) alone", () => {
  const cluster = copyOfCluster();
  const buildKey = bash('echo "$build_key"', cluster);
  const kindKey = bash('echo "$kind_node_key"', cluster);
  fs.appendFileSync(path.join(cluster, 'modules', 'coredns', 'go.sum'), 'example.com/x v1.0.0 h1:x=\n');
  fs.appendFileSync(path.join(cluster, 'modules', 'kind-node', 'go.sum'), 'example.com/x v1.0.0 h1:x=\n');
  assert.equal(bash('echo "$build_key"', cluster), buildKey);
  assert.notEqual(bash('echo "$kind_node_key"', cluster), kindKey, 'their own key follows them');
  fs.appendFileSync(path.join(cluster, 'modules', 'kubernetes', 'go.sum'), 'example.com/x v1.0.0 h1:x=\n');
  assert.notEqual(bash('echo "$build_key"', cluster), buildKey, "the cluster's own modules still count");
});

test('kubeadm, kubectl and CoreDNS are built only when asked (--kind-node), never on the default path', () => {
  const build = fs.readFileSync(path.join(REPO, 'cluster', 'scripts', 'build.sh'), 'utf8');
  const optional = build.slice(build.indexOf('if [ "$kind_node" = true ]'));
  const always = build.slice(0, build.indexOf('if [ "$kind_node" = true ]'));
  for (const name of ['kubeadm', 'kubectl', 'coredns']) {
    assert.match(optional, new RegExp(`\\b${name}\\b`));
    const code = always.replace(/^\s*#.*$/gm, '');
    assert.doesNotMatch(code, new RegExp(`\\b${name}\\b`), `${name} on the default path`);
  }
});

test('kind templates our CNI manifest: the marker string on one line, and a DaemonSet with a conflist', () => {
  const text = fs.readFileSync(
    path.join(KIND_NODE, 'rootfs', 'kind', 'manifests', 'default-cni.yaml'),
    'utf8',
  );
  // kind v0.32.0 installcni/cni.go: strings.Contains(manifest, "would you kindly template this file")
  assert.ok(text.includes('would you kindly template this file'));
  const rendered = text
    .replaceAll('{{ .PodSubnet }}', '10.244.0.0/16')
    .replaceAll('@KUBERNETES_VERSION@', 'v1.36.5');
  const docs = parseAllDocuments(rendered).map((doc) => doc.toJS());
  assert.deepEqual(
    docs.map((doc) => doc.kind),
    ['ConfigMap', 'DaemonSet'],
  );
  const conflist = JSON.parse(docs[0].data['10-zero-downtime.conflist']);
  assert.equal(conflist.plugins[0].type, 'bridge');
  assert.deepEqual(conflist.plugins[0].ipam.ranges, [[{ subnet: '10.244.0.0/16' }]]);
  const pod = docs[1].spec.template.spec;
  assert.equal(pod.hostNetwork, true, 'it must run before any pod network exists');
  assert.equal(pod.containers[0].imagePullPolicy, 'Never');
});

test('the node keeps the settings this machine needs: no oom_score_adj below the parent, cgroup v1, our pause', () => {
  const containerd = fs.readFileSync(
    path.join(KIND_NODE, 'rootfs', 'etc', 'containerd', 'config.toml'),
    'utf8',
  );
  assert.match(containerd, /^\s*restrict_oom_score_adj = true$/m);
  assert.match(containerd, /^\s*sandbox_image = "zero-downtime\.local\/pause:@KUBERNETES_VERSION@"$/m);
  assert.match(containerd, /^\s*SystemdCgroup = true$/m, "kind's kubelet config says cgroupDriver: systemd");
  const dropIn = fs.readFileSync(
    path.join(KIND_NODE, 'rootfs', 'etc', 'kubernetes', 'kubelet.conf.d', '50-zero-downtime-node.conf'),
    'utf8',
  );
  assert.match(dropIn, /^failCgroupV1: false$/m);
  const kubelet = fs.readFileSync(
    path.join(KIND_NODE, 'rootfs', 'etc', 'systemd', 'system', 'kubelet.service'),
    'utf8',
  );
  assert.match(kubelet, /--config-dir=\/etc\/kubernetes\/kubelet\.conf\.d/);
  const entrypoint = fs.readFileSync(
    path.join(KIND_NODE, 'rootfs', 'usr', 'local', 'bin', 'entrypoint'),
    'utf8',
  );
  // kind v0.32.0 providers/common/cgroups.go waits for this (or systemd's Multi-User target) in the log.
  assert.match(entrypoint, /log "detected cgroup v1"/);
});
