import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { deploymentSettings } from '../../../scripts/manifests/deploymentSettings.js';
import { k8sDir } from '../../../scripts/manifests/overlays.js';
import { composedOverlay } from '../../support/compositions.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';

interface KindCluster {
  kind: string;
  apiVersion: string;
  nodes: Array<{
    role: string;
    image: string;
    extraPortMappings: Array<{ containerPort: number; hostPort: number; listenAddress: string }>;
  }>;
}

const cluster = parse(readFileSync(path.join(k8sDir(), 'kind', 'cluster.yaml'), 'utf8')) as KindCluster;

test('the kind cluster is one control-plane node on a node image pinned by digest', () => {
  assert.equal(cluster.kind, 'Cluster');
  assert.equal(cluster.apiVersion, 'kind.x-k8s.io/v1alpha4');
  assert.deepEqual(
    cluster.nodes.map((node) => node.role),
    ['control-plane'],
  );
  const image = cluster.nodes[0]?.image ?? '';
  assert.match(image, /^kindest\/node:v1\.(3[0-9]|[4-9][0-9])\.[0-9]+@sha256:[0-9a-f]{64}$/);
});

test('the NodePort of every scenario on kind reaches the host on 127.0.0.1:8080 only', () => {
  const mappings = cluster.nodes[0]?.extraPortMappings ?? [];
  for (const scenario of ['hardened', 'naive'] as const) {
    for (const version of [1, 2] as const) {
      const service = deploymentSettings(
        renderKustomization(composedOverlay(scenario, version, ['kind'])),
      ).service;
      const mapping = mappings.find((candidate) => candidate.containerPort === service?.nodePort);
      assert.deepEqual(
        { hostPort: mapping?.hostPort, listenAddress: mapping?.listenAddress },
        { hostPort: 8080, listenAddress: '127.0.0.1' },
      );
    }
  }
});
