import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { CommandRunner } from '../../../scripts/cluster/commandRunner.js';
import {
  fullReference,
  imagesMissingFromNodes,
  NODE_STATUS_MAX_IMAGES,
} from '../../../scripts/prove/nodeImages.js';

test('an image reference is named as the container runtime names it', () => {
  assert.equal(fullReference('echo:v1'), 'docker.io/library/echo:v1');
  assert.equal(fullReference('zdr-apps/echo:v1'), 'docker.io/zdr-apps/echo:v1');
  assert.equal(fullReference('echo'), 'docker.io/library/echo:latest');
  assert.equal(fullReference('registry.example:5000/team/echo:v1'), 'registry.example:5000/team/echo:v1');
  assert.equal(fullReference('localhost/echo:v1'), 'localhost/echo:v1');
});

function nodes(...lists: string[][]): CommandRunner {
  const items = lists.map((names) => ({
    status: { images: names.map((name) => ({ names: [name, `${name.split(':')[0]}@sha256:abc`] })) },
  }));
  return {
    history: [],
    dryRun: false,
    run: async () => ({ code: 0, stdout: JSON.stringify({ items }), stderr: '' }),
  };
}

test('the images no node lists are the missing ones, however the manifests spell them', async () => {
  const runner = nodes(['docker.io/zdr-apps/echo:v1', 'registry.k8s.io/pause:3.10'], []);
  assert.deepEqual(await imagesMissingFromNodes(runner, 'c', ['zdr-apps/echo:v1', 'zdr-apps/echo:v2']), {
    missing: ['zdr-apps/echo:v2'],
    undetermined: false,
  });
});

test('a node that lists as many images as its status holds may have the missing one: undetermined', async () => {
  const full = Array.from({ length: NODE_STATUS_MAX_IMAGES }, (_, i) => `docker.io/library/app${i}:v1`);
  const { missing, undetermined } = await imagesMissingFromNodes(nodes(full), 'c', ['zdr-apps/echo:v2']);
  assert.deepEqual(missing, ['zdr-apps/echo:v2']);
  assert.equal(undetermined, true);
});
