import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { startFakeCluster, type FakeCluster } from '../../../support/fakeCluster.js';
import { commandLines, runKindCli } from '../../../support/kindCliRun.js';
import { tempDir } from '../../../support/runCli.js';

// Loading the images into the kind node through `docker save` and `kind load image-archive`, which
// works with Docker's containerd image store where `kind load docker-image` fails
// (kubernetes-sigs/kind#3795: the stand-in kind fails as that issue shows).

let cluster: FakeCluster;
let kubeconfig: string;

before(async () => {
  cluster = await startFakeCluster();
  kubeconfig = cluster.writeKubeconfig(tempDir('kubeconfig-'), 'kind-zero-downtime');
});
after(() => cluster.close());

function run(env: Record<string, string>) {
  return runKindCli(
    [
      '--target',
      'kind',
      '--load',
      'builtin',
      '--lb-port',
      String(cluster.servicePort),
      '--warmup',
      '1',
      '--cooldown',
      '1',
      '--rate',
      '20',
    ],
    { env: { KUBECONFIG: kubeconfig, STANDIN_CLUSTER: cluster.apiUrl, ...env } },
  );
}

test("loads the images with Docker 29's containerd image store, saving only this machine's platform", async () => {
  const result = await run({ STANDIN_DOCKER_VERSION: '29.1.3', STANDIN_DOCKER_STORE: 'containerd' });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const archive = path.join(result.outDir, 'kind-images.tar');
  const lines = commandLines(result.calls);
  const loading = lines.slice(
    lines.findIndex((line) => line.includes('--tag hello:v2')) + 1,
    lines.findIndex((line) => line.startsWith('kubectl')),
  );
  assert.deepEqual(loading, [
    'docker image inspect --format {{.Os}}/{{.Architecture}}{{with .Variant}}/{{.}}{{end}} hello:v1',
    `docker save --platform linux/amd64 --output ${archive} hello:v1 hello:v2`,
    `kind load image-archive ${archive} --name zero-downtime`,
  ]);
  assert.ok(!lines.some((line) => line.startsWith('kind load docker-image')));
  assert.ok(!fs.existsSync(archive), 'the archive is removed once loaded');
});

test('saves the images whole on a Docker older than 28, whose save has no --platform', async () => {
  const result = await run({ STANDIN_DOCKER_VERSION: '20.10.24+dfsg1' });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const archive = path.join(result.outDir, 'kind-images.tar');
  const lines = commandLines(result.calls);
  assert.ok(lines.includes(`docker save --output ${archive} hello:v1 hello:v2`), lines.join('\n'));
  assert.ok(lines.includes(`kind load image-archive ${archive} --name zero-downtime`));
});
