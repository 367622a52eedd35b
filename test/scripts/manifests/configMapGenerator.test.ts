import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { ManifestError } from '../../../scripts/manifests/manifestError.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';
import { type KubeObject } from '../../../scripts/manifests/kubeObject.js';

const kubectl = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8', timeout: 30_000 });
const noKubectl = kubectl.status === 0 ? false : 'kubectl is not installed: nothing to compare with';

function kubectlKustomize(dir: string): KubeObject[] {
  const output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
  return parseAllDocuments(output)
    .map((document) => document.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null);
}

const root = mkdtempSync(path.join(tmpdir(), 'config-map-generator-'));
after(() => rmSync(root, { recursive: true, force: true }));
let counter = 0;

/** Writes files (path → content) into a fresh directory and returns it. */
function fixture(files: Record<string, string | Buffer>): string {
  const dir = path.join(root, String(++counter));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

/** Renders dir and, where kubectl is installed, checks it prints the same objects in the same order. */
function render(dir: string): KubeObject[] {
  const ours = renderKustomization(dir);
  if (!noKubectl) assert.deepEqual(ours, kubectlKustomize(dir));
  return ours;
}

function find(objects: KubeObject[], kind: string, prefix: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name.startsWith(prefix));
  assert.ok(found, `no ${kind} ${prefix}*`);
  return found;
}

const deployment = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web}',
  'spec:',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      initContainers:',
  '        - name: init',
  '          image: busybox',
  '          env: [{name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: MODE}}}]',
  '          envFrom: [{configMapRef: {name: settings}}]',
  '      containers:',
  '        - name: app',
  '          image: hello:v1',
  '          env: [{name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: MODE}}}]',
  '          envFrom: [{configMapRef: {name: settings}}, {configMapRef: {name: not-generated}}]',
  '      volumes:',
  '        - name: config',
  '          configMap: {name: settings}',
  '        - name: both',
  '          projected: {sources: [{configMap: {name: settings}}, {configMap: {name: fixed}}]}',
].join('\n');

describe('generating ConfigMaps as kubectl kustomize does', () => {
  test('takes literals, files (by base name or key=path) and env files, and hashes the name', () => {
    const dir = fixture({
      'kustomization.yaml': [
        'configMapGenerator:',
        '  - name: settings',
        '    literals: [MODE=fast, "QUOTED=\'kept once\'", "EQUALS=a=b", "HTML=<&>"]',
        '    files: [config/app.conf, renamed.conf=config/app.conf, config/bom.txt, config/blob.bin]',
        '    envs: [app.env]',
        '    env: more.env',
      ].join('\n'),
      'config/app.conf': 'line 1\nline 2\n',
      'config/bom.txt': '\uFEFFstarts with a BOM',
      'config/blob.bin': Buffer.from([0xff, 0xfe, 0x00, ...Array.from({ length: 80 }, (_, i) => i)]),
      'app.env':
        '\uFEFF# a comment\n  LEVEL=info=verbose\nEMPTY\n\nWINDOWS="crlf"\r\nexport SHELLISH=1\nSPACED = x \n =no key\n',
      'more.env': 'LAST=1',
    });
    const settings = find(render(dir), 'ConfigMap', 'settings-');
    assert.match(settings.metadata.name, /^settings-[a-z0-9]{10}$/);
    assert.deepEqual(settings.data, {
      MODE: 'fast',
      QUOTED: 'kept once',
      EQUALS: 'a=b',
      HTML: '<&>',
      'app.conf': 'line 1\nline 2\n',
      'renamed.conf': 'line 1\nline 2\n',
      'bom.txt': '\uFEFFstarts with a BOM',
      LEVEL: 'info=verbose',
      EMPTY: '',
      WINDOWS: '"crlf"',
      'export SHELLISH': '1',
      'SPACED ': ' x ',
      LAST: '1',
    });
    assert.deepEqual(Object.keys(settings.binaryData as object), ['blob.bin']);
  });

  test('applies generatorOptions and per-entry options, the entry winning, a global true staying true', () => {
    const dir = fixture({
      'kustomization.yaml': [
        'generatorOptions:',
        '  labels: {team: web, tier: global}',
        '  annotations: {owner: global}',
        '  disableNameSuffixHash: true',
        'configMapGenerator:',
        '  - name: plain',
        '    literals: [A=1]',
        '    options:',
        '      labels: {tier: local}',
        '      annotations: {note: "from the entry"}',
        '      disableNameSuffixHash: false',
        '      immutable: true',
      ].join('\n'),
    });
    const [plain] = render(dir);
    assert.equal(plain?.metadata.name, 'plain');
    assert.deepEqual(plain?.metadata.labels, { team: 'web', tier: 'local' });
    assert.deepEqual(plain?.metadata.annotations, { owner: 'global', note: 'from the entry' });
    assert.equal(plain?.immutable, true);
  });

  test('rewrites references to the hashed name in env, envFrom, volumes and projected volumes of every container', () => {
    const dir = fixture({
      'kustomization.yaml': [
        'resources: [deployment.yaml, cronjob.yaml, elsewhere.yaml]',
        'configMapGenerator:',
        '  - {name: settings, literals: [MODE=fast]}',
        '  - {name: fixed, literals: [A=1], options: {disableNameSuffixHash: true}}',
      ].join('\n'),
      'deployment.yaml': deployment,
      'cronjob.yaml': [
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: {name: nightly}',
        'spec:',
        '  schedule: "@daily"',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        spec:',
        '          restartPolicy: Never',
        '          containers: [{name: job, image: busybox, envFrom: [{configMapRef: {name: settings}}]}]',
      ].join('\n'),
      // In another namespace: kustomize does not rewrite it, since the ConfigMap is not there.
      'elsewhere.yaml': [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: elsewhere, namespace: other}',
        'spec:',
        '  containers: [{name: c, image: busybox, envFrom: [{configMapRef: {name: settings}}]}]',
      ].join('\n'),
    });
    const objects = render(dir);
    const hashed = find(objects, 'ConfigMap', 'settings-').metadata.name;
    const spec = (find(objects, 'Deployment', 'web').spec as { template: { spec: PodSpec } }).template.spec;
    assert.deepEqual(namesIn(spec), [
      hashed,
      hashed,
      hashed,
      hashed,
      'not-generated',
      hashed,
      hashed,
      'fixed',
    ]);
    const cron = find(objects, 'CronJob', 'nightly').spec as {
      jobTemplate: { spec: { template: { spec: PodSpec } } };
    };
    assert.deepEqual(namesIn(cron.jobTemplate.spec.template.spec), [hashed]);
    assert.deepEqual(namesIn(find(objects, 'Pod', 'elsewhere').spec as PodSpec), ['settings']);
  });

  test('prints generated ConfigMaps before the Deployment, in kustomize legacy order', () => {
    const dir = fixture({
      'kustomization.yaml':
        'resources: [deployment.yaml]\nconfigMapGenerator:\n  - {name: settings, literals: [MODE=fast]}\n',
      'deployment.yaml': deployment,
    });
    assert.deepEqual(
      render(dir).map((object) => object.kind),
      ['ConfigMap', 'Deployment'],
    );
  });

  test('merges into and replaces the base ConfigMaps from a Component, and hashes the final data', () => {
    const dir = fixture({
      'base/kustomization.yaml': [
        'resources: [deployment.yaml, existing.yaml]',
        'generatorOptions: {labels: {from: base}}',
        'configMapGenerator:',
        '  - {name: settings, literals: [MODE=fast, KEEP=1], options: {annotations: {kept: "yes"}}}',
        '  - {name: fixed, literals: [A=1], options: {disableNameSuffixHash: true}}',
        '  - {name: existing, behavior: merge, literals: [P=2]}',
      ].join('\n'),
      'base/deployment.yaml': deployment,
      'base/existing.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: existing, labels: {own: "1"}}\ndata: {P: "1", Q: "1"}\nimmutable: true\n',
      'component/kustomization.yaml': [
        'apiVersion: kustomize.config.k8s.io/v1alpha1',
        'kind: Component',
        'configMapGenerator:',
        '  - {name: settings, behavior: merge, literals: [MODE=slow, ADDED=1], options: {labels: {merged: "1"}}}',
        '  - {name: fixed, behavior: replace, literals: [B=2]}',
      ].join('\n'),
      'overlay/kustomization.yaml': 'resources: [../base]\ncomponents: [../component]\n',
    });
    const objects = render(path.join(dir, 'overlay'));
    const settings = find(objects, 'ConfigMap', 'settings-');
    assert.deepEqual(settings.data, { MODE: 'slow', KEEP: '1', ADDED: '1' });
    assert.deepEqual(settings.metadata.labels, { from: 'base', merged: '1' });
    assert.deepEqual(settings.metadata.annotations, { kept: 'yes' });
    // replace keeps the old name (unhashed, as the old one was) and none of the old data.
    assert.deepEqual(find(objects, 'ConfigMap', 'fixed').data, { B: '2' });
    // A merge into a ConfigMap from resources: not hashed, and its `immutable: true` is gone.
    const existing = find(objects, 'ConfigMap', 'existing');
    assert.equal(existing.metadata.name, 'existing');
    assert.deepEqual(existing.data, { P: '2', Q: '1' });
    assert.equal(existing.immutable, undefined);
  });

  test('lets a patch target a generated ConfigMap by its unhashed name, and hashes after the patch', () => {
    const patched = fixture({
      'kustomization.yaml': [
        'resources: [deployment.yaml]',
        'configMapGenerator:',
        '  - {name: settings, literals: [MODE=fast]}',
        'images: [{name: hello, newTag: v2}]',
        'patches:',
        '  - target: {kind: ConfigMap, name: settings}',
        '    patch: |-',
        '      - {op: add, path: /data/EXTRA, value: "1"}',
        '      - {op: add, path: /metadata/annotations/patched, value: "true"}',
      ].join('\n'),
      'deployment.yaml': deployment,
    });
    const plain = fixture({
      'kustomization.yaml': 'configMapGenerator:\n  - {name: settings, literals: [MODE=fast]}\n',
    });
    const objects = render(patched);
    const settings = find(objects, 'ConfigMap', 'settings-');
    assert.deepEqual(settings.data, { MODE: 'fast', EXTRA: '1' });
    assert.deepEqual(settings.metadata.annotations, { patched: 'true' });
    assert.notEqual(settings.metadata.name, find(render(plain), 'ConfigMap', 'settings-').metadata.name);
    const spec = (find(objects, 'Deployment', 'web').spec as { template: { spec: PodSpec } }).template.spec;
    assert.equal(spec.containers[0]?.image, 'hello:v2');
  });

  const refusals: Array<[string, Record<string, string>, RegExp]> = [
    [
      'a secretGenerator',
      { 'kustomization.yaml': 'secretGenerator: [{name: s}]\n' },
      /secretGenerator is not supported/,
    ],
    [
      'a generator field it does not implement',
      { 'kustomization.yaml': 'configMapGenerator: [{name: s, kvSources: []}]\n' },
      /configMapGenerator\.0\.kvSources is not supported/,
    ],
    [
      'a behavior kustomize would read as create',
      { 'kustomization.yaml': 'configMapGenerator: [{name: s, behavior: Merge}]\n' },
      /configMapGenerator\.0\.behavior/,
    ],
    [
      'a label value that YAML 1.1 reads as a boolean, as kustomize does',
      { 'kustomization.yaml': 'configMapGenerator: [{name: s, options: {labels: {x: y}}}]\n' },
      /configMapGenerator\.0\.options\.labels\.x/,
    ],
    [
      'a merge with nothing to merge into',
      { 'kustomization.yaml': 'configMapGenerator: [{name: s, behavior: merge}]\n' },
      /ConfigMap default\/s does not exist; cannot merge/,
    ],
    [
      'a second ConfigMap of the same name',
      { 'kustomization.yaml': 'configMapGenerator: [{name: s}, {name: s}]\n' },
      /ConfigMap default\/s exists; behavior must be merge or replace/,
    ],
    [
      'a key given twice',
      { 'kustomization.yaml': 'configMapGenerator: [{name: s, literals: [A=1, A=2]}]\n' },
      /configmap s illegally repeats the key `A`/,
    ],
    [
      'a literal without a key',
      { 'kustomization.yaml': 'configMapGenerator: [{name: s, literals: ["=1"]}]\n' },
      /invalid literal source =1, expected key=value/,
    ],
    [
      'a file outside the kustomization directory',
      {
        'kustomization.yaml': 'configMapGenerator: [{name: s, files: [../outside.txt]}]\n',
        '../outside.txt': 'x',
      },
      /is not in or below/,
    ],
    [
      'a Role whose resourceNames it would have to rewrite',
      {
        'kustomization.yaml': 'resources: [role.yaml]\nconfigMapGenerator: [{name: s}]\n',
        'role.yaml':
          'apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata: {name: r}\nrules: [{apiGroups: [""], resources: [configmaps], resourceNames: [s], verbs: [get]}]\n',
      },
      /Role r: rewriting its ConfigMap references to hashed names is not supported/,
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

interface Container {
  image?: string;
  env?: { valueFrom?: { configMapKeyRef?: { name: string } } }[];
  envFrom?: { configMapRef?: { name: string } }[];
}
interface PodSpec {
  initContainers?: Container[];
  containers: Container[];
  volumes?: { configMap?: { name: string }; projected?: { sources: { configMap?: { name: string } }[] } }[];
}

/** Every ConfigMap name a pod spec refers to: init containers, containers, then volumes. */
function namesIn(spec: PodSpec): string[] {
  const fromContainer = (container: Container) => [
    ...(container.env ?? []).flatMap((env) => env.valueFrom?.configMapKeyRef?.name ?? []),
    ...(container.envFrom ?? []).flatMap((source) => source.configMapRef?.name ?? []),
  ];
  return [
    ...(spec.initContainers ?? []).flatMap(fromContainer),
    ...spec.containers.flatMap(fromContainer),
    ...(spec.volumes ?? []).flatMap((volume) => [
      ...(volume.configMap ? [volume.configMap.name] : []),
      ...(volume.projected?.sources ?? []).flatMap((source) => source.configMap?.name ?? []),
    ]),
  ];
}
