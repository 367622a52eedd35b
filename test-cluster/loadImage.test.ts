import assert from 'node:assert/strict';
import { test } from 'node:test';
import fs from 'node:fs';
import { clusterHealthy, describe, runScript } from '../test/support/clusterScripts.js';
import { tempDir } from '../test/support/runCli.js';

// npm run cluster:load-image -- IMAGE... copies images from the local Docker into the cluster's containerd. Bad
// input is one plain line and exit 2, before anything is imported; the not-up case is a state folder that does not
// exist, so it holds beside the running cluster the other cases need.

test('with no IMAGE, load-image exits 2 with its usage in one line', () => {
  const result = runScript('load-image');
  assert.equal(result.code, 2, describe(result));
  assert.match(result.stderr, /^cluster: no IMAGE given \(usage: npm run cluster:load-image -- IMAGE\.\.\./);
  assert.equal(result.stderr.trim().split('\n').length, 1, describe(result));
});

test('with no cluster up, load-image exits 2 and says to run cluster:up', (t) => {
  const dir = tempDir('load-image-');
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const result = runScript('load-image', ['hello:v1'], {
    ZDR_CLUSTER_STATE: `${dir}/state`,
    ZDR_CLUSTER_RUN: `${dir}/run`,
  });
  assert.equal(result.code, 2, describe(result));
  assert.match(result.stderr, /^cluster: the cluster is not up .*npm run cluster:up first$/m);
  assert.equal(result.stderr.trim().split('\n').length, 1, describe(result));
  assert.equal(result.stdout, '', 'nothing was imported');
});

test('an image the local Docker does not have: exit 2 naming it, and nothing imported', () => {
  assert.ok(clusterHealthy(), 'no healthy cluster: npm run cluster:up first');
  const result = runScript('load-image', ['hello:v1', 'zdr-apps/no-such-image:never']);
  assert.equal(result.code, 2, describe(result));
  assert.match(result.stderr, /^cluster: zdr-apps\/no-such-image:never is not in the local Docker/m);
  assert.equal(result.stdout, '', 'nothing was imported');
});

test('an image the local Docker has is imported, the containerd lists it and the node reports it', () => {
  assert.ok(clusterHealthy(), 'no healthy cluster: npm run cluster:up first');
  // hello:v1: cluster:up built it and imported it once already; importing again is allowed and changes nothing.
  const result = runScript('load-image', ['hello:v1']);
  assert.equal(result.code, 0, describe(result));
  assert.match(result.stdout, /images: hello:v1 into the cluster's containerd/);
  assert.match(result.stdout, /done in \d+s: 1 image\(s\)/);
  // npm run prove reads the node status for the images: load-image returns once the kubelet reports them.
  assert.match(result.stdout, /the node's status lists them/);
});
