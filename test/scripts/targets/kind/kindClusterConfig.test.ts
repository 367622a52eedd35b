import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { readKindClusterConfig, withHostPort } from '../../../../scripts/targets/kind/kindClusterConfig.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '../../../../..');

test('reads where k8s/kind/cluster.yaml publishes the NodePort: 127.0.0.1:8080', () => {
  const config = readKindClusterConfig(REPO_ROOT);
  assert.deepEqual(
    { path: config.path, hostPort: config.hostPort, listenAddress: config.listenAddress },
    { path: path.join('k8s', 'kind', 'cluster.yaml'), hostPort: 8080, listenAddress: '127.0.0.1' },
  );
});

test('moves the NodePort to another host port and changes nothing else, comments included', () => {
  const config = readKindClusterConfig(REPO_ROOT);
  const moved = withHostPort(config, 18080);
  const before = parse(config.text);
  before.nodes[0].extraPortMappings[0].hostPort = 18080;
  assert.deepEqual(parse(moved), before);
  assert.match(moved, /# The node image belongs to kind v0\.32\.0/);
  assert.equal(moved.replace('hostPort: 18080', 'hostPort: 8080'), config.text);
});
