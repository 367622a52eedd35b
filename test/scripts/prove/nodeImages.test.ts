import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandRunner } from '../../../scripts/cluster/commandRunner.js';
import { fullReference, imagesMissingFromNodes } from '../../../scripts/prove/nodeImages.js';

test('an image reference is named as the container runtime names it', () => {
  assert.equal(fullReference('echo:v1'), 'docker.io/library/echo:v1');
  assert.equal(fullReference('zdr-apps/echo:v1'), 'docker.io/zdr-apps/echo:v1');
  assert.equal(fullReference('echo'), 'docker.io/library/echo:latest');
  assert.equal(fullReference('registry.example:5000/team/echo:v1'), 'registry.example:5000/team/echo:v1');
  assert.equal(fullReference('localhost/echo:v1'), 'localhost/echo:v1');
});

test('the images no node lists are the missing ones, however the manifests spell them', async () => {
  const runner: CommandRunner = {
    history: [],
    dryRun: false,
    run: async () => ({
      code: 0,
      stdout: 'docker.io/zdr-apps/echo:v1\ndocker.io/zdr-apps/echo@sha256:abc\nregistry.k8s.io/pause:3.10\n',
      stderr: '',
    }),
  };
  assert.deepEqual(await imagesMissingFromNodes(runner, 'c', ['zdr-apps/echo:v1', 'zdr-apps/echo:v2']), [
    'zdr-apps/echo:v2',
  ]);
});
