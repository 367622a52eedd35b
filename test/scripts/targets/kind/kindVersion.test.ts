import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { createCommandRunner } from '../../../../scripts/cluster/commandRunner.js';
import {
  checkKindVersion,
  isAtLeast,
  MIN_KIND_VERSION,
  parseKindVersion,
} from '../../../../scripts/targets/kind/kindVersion.js';
import { commandLines, runKindCli, STANDINS } from '../../../support/kindCliRun.js';
import { noGo, realKindDir, recordingKind } from '../../../support/realKind.js';
import { tempDir } from '../../../support/runCli.js';

const release = { major: 0, minor: 32, patch: 0 };

test('reads the version from what `kind version` prints, releases and builds between them', () => {
  assert.deepEqual(parseKindVersion('kind v0.32.0 go1.26.8 linux/amd64\n'), {
    text: 'v0.32.0',
    major: 0,
    minor: 32,
    patch: 0,
    preRelease: '',
  });
  assert.equal(
    parseKindVersion('kind v0.33.0-alpha.5+0123456789abcd go1.26.8 linux/amd64')?.preRelease,
    'alpha.5+0123456789abcd',
  );
  assert.equal(parseKindVersion('Client Version: v1.36.1'), null);
});

test('orders versions as semver does: an alpha of v0.32.0 is older than v0.32.0', () => {
  const at = (text: string) => isAtLeast(parseKindVersion(`kind ${text} go1.26 linux/amd64`)!, release);
  assert.equal(at('v0.31.0'), false);
  assert.equal(at('v0.32.0-alpha.3+abc'), false);
  assert.equal(at('v0.32.0'), true);
  assert.equal(at('v0.32.1'), true);
  assert.equal(at('v0.33.0-alpha.1'), true);
  assert.equal(at('v1.0.0'), true);
});

test('the oldest kind accepted is the one the pinned node image belongs to', () => {
  const config = fs.readFileSync(
    path.resolve(import.meta.dirname, '../../../../../k8s/kind/cluster.yaml'),
    'utf8',
  );
  assert.match(config, new RegExp(`belongs to kind ${MIN_KIND_VERSION.replace(/\./g, '\\.')}`));
});

test('exits 2 naming the kind needed when kind is v0.31.0, and creates nothing', async () => {
  const result = await runKindCli(['--target', 'kind'], { env: { STANDIN_KIND_VERSION: 'v0.31.0' } });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.equal(
    result.stderr,
    'demo:rollout: kind v0.31.0 is too old: the node image pinned in k8s/kind/cluster.yaml needs kind v0.32.0 ' +
      'or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)\n',
  );
  assert.deepEqual(commandLines(result.calls), ['docker info --format {{.ServerVersion}}', 'kind version']);
  assert.doesNotMatch(result.stdout, /cluster/, 'says nothing about a cluster it never touched');
});

test(
  'the real kind v0.31.0, built from its module, is refused before any other kind command',
  { skip: noGo },
  async () => {
    const log = path.join(tempDir('kind-calls-'), 'kind.log');
    const kind = recordingKind(realKindDir('v0.31.0'), log);
    const result = await runKindCli(['--target', 'kind'], { pathDirs: [kind, STANDINS] });
    assert.equal(result.code, 2, result.stdout + result.stderr);
    assert.match(
      result.stderr,
      /^demo:rollout: kind v0\.31\.0 is too old: .* needs kind v0\.32\.0 or newer .*\n$/,
    );
    assert.deepEqual(fs.readFileSync(log, 'utf8').split('\n').filter(Boolean), ['version']);
  },
);

test('the real kind v0.32.0, built from its module, passes the check', { skip: noGo }, async () => {
  const run = createCommandRunner({ cwd: process.cwd() });
  const kind = path.join(realKindDir('v0.32.0'), 'kind');
  const version = await checkKindVersion({
    ...run,
    run: (_command, args, options) => run.run(kind, args, options),
  });
  assert.equal(version, 'v0.32.0');
});
