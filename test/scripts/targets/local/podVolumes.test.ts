import assert from 'node:assert/strict';
import { readFileSync, readlinkSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';
import { createConfigMaps } from '../../../../scripts/targets/local/configMaps.js';
import { mountPodVolumes } from '../../../../scripts/targets/local/podVolumes.js';
import type { KubeObject } from '../../../../scripts/manifests/kubeObject.js';

const dirs: string[] = [];
after(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const configMap = (data: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'hello-config' },
  data,
});

function podWithVolume(kubeletSyncMs: number) {
  const podDir = mkdtempSync(path.join(os.tmpdir(), 'pod-volumes-'));
  dirs.push(podDir);
  const configMaps = createConfigMaps();
  configMaps.apply([configMap({ GREETING: 'Hello' })]);
  const volumes = mountPodVolumes({
    podDir,
    mounts: [{ volume: 'config', mountPath: '/etc/hello', configMap: 'hello-config' }],
    configMaps,
    kubeletSyncMs,
    createdAt: Date.now(),
    now: Date.now,
  });
  const file = volumes.hostPath('/etc/hello/GREETING');
  return { podDir, configMaps, volumes, file };
}

test('lays a ConfigMap volume out as the kubelet does: key symlinks into ..data, a timestamped directory', () => {
  const { podDir, volumes, file } = podWithVolume(60_000);
  assert.equal(file, path.join(podDir, 'config', 'GREETING'), 'the container path maps into the volume');
  assert.equal(volumes.hostPath('/etc/other'), '/etc/other', 'paths outside every mount stay as they are');
  assert.equal(readlinkSync(file), path.join('..data', 'GREETING'));
  assert.match(readlinkSync(path.join(podDir, 'config', '..data')), /^\.\.\d{4}_/);
  assert.equal(readFileSync(file, 'utf8'), 'Hello');
  volumes.close();
});

// The kubelet's sync period on a mocked clock: the exact moment is asserted, on a machine of any speed.
test('a changed ConfigMap reaches the pod at its next kubelet sync, not before', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { configMaps, volumes, file } = podWithVolume(400);
  t.mock.timers.tick(50);
  configMaps.apply([configMap({ GREETING: 'Howdy' })]);
  t.mock.timers.tick(349);
  assert.equal(readFileSync(file, 'utf8'), 'Hello', 'still the old file 1 ms before the 400 ms sync');
  t.mock.timers.tick(1);
  assert.equal(readFileSync(file, 'utf8'), 'Howdy', 'the new file at the sync');
  volumes.close();
});

test('a key that left the ConfigMap disappears from the volume', (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { configMaps, volumes, file, podDir } = podWithVolume(100);
  configMaps.apply([configMap({ 'greeting.txt': 'Howdy' })]);
  t.mock.timers.tick(100);
  assert.throws(() => readFileSync(file), { code: 'ENOENT' });
  assert.equal(readFileSync(path.join(podDir, 'config', 'greeting.txt'), 'utf8'), 'Howdy');
  volumes.close();
});

test('applying the same data again changes nothing a pod would see', () => {
  const configMaps = createConfigMaps();
  let changes = 0;
  configMaps.apply([configMap({ GREETING: 'Hello' })]);
  configMaps.subscribe('hello-config', () => changes++);
  configMaps.apply([configMap({ GREETING: 'Hello' })]);
  assert.equal(changes, 0);
  configMaps.apply([configMap({ GREETING: 'Howdy' })]);
  assert.equal(changes, 1);
});
