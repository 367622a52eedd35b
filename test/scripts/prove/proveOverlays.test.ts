import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import type { KubeObject } from '../../../scripts/manifests/kubeObject.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';
import { PROTECTIONS } from '../../../scripts/prove/protections.js';
import { proveOverlays } from '../../../scripts/prove/proveOverlays.js';
import { pickApp } from '../../../scripts/prove/readApp.js';
import {
  deployment,
  HARDENED_CONTAINER,
  HARDENED_POD,
  HARDENED_SPEC,
  service,
} from '../../support/appManifests.js';
import { tempDir } from '../../support/runCli.js';

const objects = [
  deployment('echo', HARDENED_CONTAINER, HARDENED_SPEC, HARDENED_POD),
  service('echo'),
] as KubeObject[];
const app = pickApp(objects, { deployment: null, service: null, port: 'admin' }, 'fixture');

type Rendered = {
  kind: string;
  spec: {
    type?: string;
    ports?: Array<{ nodePort?: number }>;
    template?: {
      spec: { containers: Array<{ image: string; imagePullPolicy?: string; lifecycle?: object }> };
    };
  };
};
const byKind = (dir: string, kind: string) =>
  renderKustomization(dir).find((o) => o.kind === kind) as unknown as Rendered;

test("each side runs its own image, and kube's node-port publishes the chosen port on 30080", () => {
  const workDir = tempDir('prove-overlays-');
  const { from, to } = proveOverlays({
    app,
    fromImage: 'zdr-apps/echo:v1',
    toImage: 'zdr-apps/echo:v2',
    components: ['node-port'],
    control: null,
    workDir,
  });
  assert.equal(byKind(from, 'Deployment').spec.template!.spec.containers[0]!.image, 'zdr-apps/echo:v1');
  assert.equal(byKind(to, 'Deployment').spec.template!.spec.containers[0]!.image, 'zdr-apps/echo:v2');
  const published = byKind(to, 'Service').spec;
  assert.equal(published.type, 'NodePort');
  assert.equal(published.ports![1]!.nodePort, 30080);
  assert.equal(published.ports![0]!.nodePort, undefined);
  assert.ok(from.startsWith(workDir) && to.startsWith(workDir), 'generated in the run folder');
});

test('on kind the images are never pulled, and a control removes its protection on both sides', () => {
  const prestop = PROTECTIONS.find((p) => p.id === 'prestop')!;
  const { from, to } = proveOverlays({
    app,
    fromImage: 'zdr-apps/echo:v1',
    toImage: 'zdr-apps/echo:v2',
    components: ['kind'],
    control: prestop,
    workDir: tempDir('prove-overlays-'),
  });
  for (const dir of [from, to]) {
    const container = byKind(dir, 'Deployment').spec.template!.spec.containers[0]!;
    assert.equal(container.imagePullPolicy, 'Never');
    assert.deepEqual(container.lifecycle, {});
  }
  assert.match(fs.readFileSync(path.join(to, 'kustomization.yaml'), 'utf8'), /without preStop/);
});

test("the team's objects are copied into the overlay, never referenced where kustomize would refuse them", () => {
  const { to } = proveOverlays({
    app,
    fromImage: 'a:1',
    toImage: 'a:2',
    components: [],
    control: null,
    workDir: tempDir('prove-overlays-'),
  });
  assert.deepEqual(fs.readdirSync(to).sort(), ['app.yaml', 'kustomization.yaml']);
});

test('a target Component prove does not know is refused in one line', () => {
  assert.throws(
    () =>
      proveOverlays({
        app,
        fromImage: 'a:1',
        toImage: 'a:2',
        components: ['mesh'],
        control: null,
        workDir: tempDir('prove-overlays-'),
      }),
    /^UsageError: prove cannot yet publish an app on a target that adds mesh$/,
  );
});
