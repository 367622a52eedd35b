import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { k8sDir } from '../../../scripts/manifests/overlays.js';
import { allCompositions } from '../../support/compositions.js';
import { ManifestError } from '../../../scripts/manifests/manifestError.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';
import { objectId, type KubeObject } from '../../../scripts/manifests/kubeObject.js';

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 30_000 });
const noKubectl = kubectl.status === 0 ? false : 'kubectl is not installed: nothing to compare with';

function byId(objects: KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((object) => [objectId(object), object]));
}

function kubectlKustomize(dir: string): KubeObject[] {
  const output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
  return parseAllDocuments(output)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

describe('rendering what the runs apply without kubectl', () => {
  for (const { name, dir } of allCompositions()) {
    test(`renders ${name} exactly as kubectl kustomize does`, { skip: noKubectl }, () => {
      const ours = byId(renderKustomization(dir));
      const theirs = byId(kubectlKustomize(dir));
      assert.deepEqual([...ours.keys()].sort(), [...theirs.keys()].sort());
      for (const [id, object] of theirs) assert.deepEqual(ours.get(id), object, id);
    });

    test(`prints ${name} in the order kubectl kustomize does`, { skip: noKubectl }, () => {
      assert.deepEqual(renderKustomization(dir).map(objectId), kubectlKustomize(dir).map(objectId));
    });
  }

  test('renders the base exactly as kubectl kustomize does', { skip: noKubectl }, () => {
    const dir = path.join(k8sDir(), 'base');
    assert.deepEqual(byId(renderKustomization(dir)), byId(kubectlKustomize(dir)));
  });
});

describe('rendering small kustomizations', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'render-kustomization-'));
  after(() => rmSync(root, { recursive: true, force: true }));
  let counter = 0;

  /** Writes files (path → content) into a fresh directory and returns it. */
  function fixture(files: Record<string, string>): string {
    const dir = path.join(root, String(++counter));
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    return dir;
  }

  const pod = (image: string) =>
    `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: ${image}\n`;

  function renderBoth(dir: string): { ours: KubeObject[]; theirs: KubeObject[] | null } {
    return { ours: renderKustomization(dir), theirs: noKubectl ? null : kubectlKustomize(dir) };
  }

  test('applies images after patches, with new names, tags and digests like kustomize', () => {
    const dir = fixture({
      'pod.yaml': pod('registry.local:5000/team/hello:v1@sha256:aaa'),
      'kustomization.yaml': [
        'resources: [pod.yaml]',
        'images:',
        '  - name: registry.local:5000/team/hello',
        '    newName: hello',
        '    newTag: v2',
        'patches:',
        '  - target: {kind: Pod}',
        '    patch: |-',
        '      - op: add',
        '        path: /spec/initContainers',
        '        value: [{name: i, image: "registry.local:5000/team/hello"}]',
      ].join('\n'),
    });
    const { ours, theirs } = renderBoth(dir);
    const spec = ours[0]?.spec as { containers: { image: string }[]; initContainers: { image: string }[] };
    assert.equal(spec.containers[0]?.image, 'hello:v2');
    assert.equal(spec.initContainers[0]?.image, 'hello:v2');
    if (theirs) assert.deepEqual(ours, theirs);
  });

  test('applies every JSON 6902 operation like kustomize', () => {
    const dir = fixture({
      'pod.yaml': pod('busybox'),
      'kustomization.yaml': [
        'resources: [pod.yaml]',
        'patches:',
        '  - target: {version: v1, kind: P.d, name: p}',
        '    path: ops.yaml',
      ].join('\n'),
      'ops.yaml': [
        '- {op: add, path: /metadata/labels, value: {a/b: x}}',
        '- {op: copy, from: /metadata/labels, path: /metadata/annotations}',
        '- {op: move, from: /metadata/annotations/a~1b, path: /metadata/annotations/moved}',
        '- {op: add, path: /spec/containers/0, value: {name: first, image: busybox}}',
        '- {op: remove, path: /spec/containers/1}',
        '- {op: test, path: /metadata/labels/a~1b, value: x}',
        '- {op: replace, path: /spec/containers/0/name, value: only}',
      ].join('\n'),
    });
    const { ours, theirs } = renderBoth(dir);
    assert.deepEqual(ours[0]?.metadata, { name: 'p', labels: { 'a/b': 'x' }, annotations: { moved: 'x' } });
    assert.deepEqual(ours[0]?.spec, { containers: [{ name: 'only', image: 'busybox' }] });
    if (theirs) assert.deepEqual(ours, theirs);
  });

  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    [
      'a field it does not implement',
      { 'kustomization.yaml': 'namePrefix: x-\n' },
      /namePrefix is not supported/,
    ],
    [
      'a strategic merge patch',
      {
        'pod.yaml': pod('busybox'),
        'kustomization.yaml': 'resources: [pod.yaml]\npatches:\n  - patch: "kind: Pod"\n',
      },
      /only JSON 6902 patches/,
    ],
    [
      'a patch that matches nothing',
      {
        'pod.yaml': pod('busybox'),
        'kustomization.yaml': 'resources: [pod.yaml]\npatches:\n  - target: {name: nope}\n    patch: "[]"\n',
      },
      /matches no object/,
    ],
    [
      'a failing test op',
      {
        'pod.yaml': pod('busybox'),
        'kustomization.yaml':
          'resources: [pod.yaml]\npatches:\n  - target: {name: p}\n    patch: "[{op: test, path: /kind, value: Job}]"\n',
      },
      /patch op 1 \(test \/kind\) failed: expected "Job", found "Pod"/,
    ],
    [
      'the same object twice',
      { 'pod.yaml': pod('busybox'), 'kustomization.yaml': 'resources: [pod.yaml, pod.yaml]\n' },
      /v1 Pod default\/p is defined twice/,
    ],
    [
      'a missing resource',
      { 'kustomization.yaml': 'resources: [gone.yaml]\n' },
      /"gone.yaml" does not exist/,
    ],
    [
      'a remote resource',
      { 'kustomization.yaml': 'resources: [https://github.com/x/y]\n' },
      /remote reference .* is not supported/,
    ],
    [
      'a Component used as a resource',
      { 'kustomization.yaml': 'kind: Component\n' },
      /expected kind Kustomization/,
    ],
  ];
  for (const [what, files, message] of refusals) {
    test(`refuses ${what} in one line`, () => {
      const dir = fixture(files);
      assert.throws(
        () => renderKustomization(dir),
        (error: unknown) =>
          error instanceof ManifestError && message.test(error.message) && !error.message.includes('\n'),
      );
    });
  }
});
