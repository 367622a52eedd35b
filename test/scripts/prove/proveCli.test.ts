import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import {
  deployment,
  HARDENED_CONTAINER,
  HARDENED_POD,
  HARDENED_SPEC,
  service,
} from '../../support/appManifests.js';
import { PROVE, startCli, tempDir } from '../../support/runCli.js';

const standins = fileURLToPath(new URL('../../../../test/support/standins', import.meta.url));

function appDir(objects: object[]): string {
  const dir = tempDir('prove-cli-app-');
  fs.writeFileSync(path.join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

/** prove with the stand-in kubectl first on PATH, recording every call it gets. */
async function prove(args: string[], env: Record<string, string> = {}) {
  const log = path.join(tempDir('prove-cli-'), 'calls.ndjson');
  const run = startCli(PROVE, ['--context', 'c', '--out', tempDir('prove-cli-out-'), ...args], {
    ...process.env,
    PATH: `${standins}${path.delimiter}${process.env.PATH ?? ''}`,
    STANDIN_LOG: log,
    ...env,
  });
  const code = await run.exited;
  const calls = fs.existsSync(log) ? fs.readFileSync(log, 'utf8').split('\n').filter(Boolean) : [];
  return {
    code,
    stdout: run.stdout(),
    stderr: run.stderr(),
    applied: calls.filter((c) => c.includes('"apply"')),
  };
}

const hardened = () =>
  appDir([deployment('echo', HARDENED_CONTAINER, HARDENED_SPEC, HARDENED_POD), service('echo')]);

for (const [what, dir, extra, message] of [
  ['a folder with no Deployment', () => appDir([service('echo')]), [], /holds no Deployment/],
  [
    'two Deployments and no --deployment',
    () => appDir([deployment('a'), deployment('b'), service('a')]),
    [],
    /holds 2 Deployments \(a, b\): pick one with --deployment NAME/,
  ],
  [
    'a Service that selects no pod',
    () => appDir([deployment('echo'), service('echo', { app: 'other' })]),
    [],
    /Service echo selects no pod of Deployment echo/,
  ],
  [
    '--version-from body:(',
    hardened,
    ['--version-from', 'body:('],
    /--version-from body:\( is not a valid regular expression/,
  ],
  [
    'an image no node has',
    hardened,
    [],
    /no node of context c has zdr-apps\/echo:v2: load it with `npm run cluster:load-image -- zdr-apps\/echo:v2`/,
  ],
] as const) {
  test(`prove refuses ${what} in one line, exit 2, with nothing applied`, async () => {
    const result = await prove(['--app', dir(), '--to-image', 'zdr-apps/echo:v2', ...extra], {
      STANDIN_NODE_IMAGES: 'docker.io/zdr-apps/echo:v1',
    });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(result.stderr.trim().split('\n').length, 1, `one line: ${result.stderr}`);
    assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
    assert.deepEqual(result.applied, []);
  });
}

test('a manifest with no readiness probe and no preStop: the lint names both before anything runs', async () => {
  const bare = appDir([deployment('echo'), service('echo')]);
  const result = await prove(['--app', bare, '--to-image', 'zdr-apps/echo:v2', '--dry-run']);
  assert.equal(result.code, 0, result.stderr);
  const lint = result.stdout.slice(0, result.stdout.indexOf('# plan'));
  assert.match(lint, /readinessProbe \[[a-z-]+\]/);
  assert.match(lint, /lifecycle\.preStop \[drain\] no preStop hook/);
});

test('--strict makes the findings fatal: exit 2 before anything is applied', async () => {
  const bare = appDir([deployment('echo'), service('echo')]);
  const result = await prove(['--app', bare, '--to-image', 'zdr-apps/echo:v2', '--strict']);
  assert.equal(result.code, 2);
  assert.match(
    result.stderr,
    /^prove: --strict: the zero-downtime lint found \d+ problem\(s\), listed above\n$/,
  );
  assert.deepEqual(result.applied, []);
});

test('a dry run with --controls plans the run as given and one control per protection, each its own overlays', async () => {
  const result = await prove([
    '--app',
    hardened(),
    '--to-image',
    'zdr-apps/echo:v2',
    '--controls',
    '--node-port',
    'on',
    '--dry-run',
  ]);
  assert.equal(result.code, 0, result.stderr);
  for (const label of [
    'as-given',
    'without-readiness-probe',
    'without-prestop',
    'without-grace-period',
    'without-surge-only',
    'without-min-ready-seconds',
  ])
    assert.match(result.stdout, new RegExp(`apply -k \\S*manifests/${label}-from`), label);
  assert.match(result.stdout, /wait until GET http:\/\/127\.0\.0\.1:30080\/ answers 2xx,3xx/);
  assert.deepEqual(result.applied, [], 'a dry run applies nothing');
});

test('--control names the controls to run; one the Deployment lacks is one line, exit 2', async () => {
  const planned = await prove([
    '--app',
    hardened(),
    '--to-image',
    'zdr-apps/echo:v2',
    '--control',
    'prestop',
    '--dry-run',
  ]);
  assert.equal(planned.code, 0, planned.stderr);
  assert.match(planned.stdout, /manifests\/without-prestop-from/);
  assert.doesNotMatch(planned.stdout, /without-readiness-probe/);
  const bare = appDir([deployment('echo'), service('echo')]);
  const refused = await prove([
    '--app',
    bare,
    '--to-image',
    'zdr-apps/echo:v2',
    '--control',
    'prestop',
    '--dry-run',
  ]);
  assert.equal(refused.code, 2);
  assert.match(
    refused.stderr,
    /^prove: --control prestop: Deployment echo has no such protection to remove\n$/,
  );
  assert.deepEqual(refused.applied, []);
});
