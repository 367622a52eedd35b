import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { pickApp, renderAppDir } from '../../../scripts/prove/readApp.js';
import { tempDir } from '../../support/runCli.js';
import { deployment, service } from '../../support/appManifests.js';

const NO_CHOICE = { deployment: null, service: null, port: null };

function appDir(objects: object[]): string {
  const dir = tempDir('prove-app-');
  fs.writeFileSync(path.join(dir, 'app.yaml'), objects.map((o) => stringify(o)).join('---\n'));
  return dir;
}

test('a folder of plain YAML gives the Deployment, the Service that selects its pods and its first port', () => {
  const dir = appDir([deployment('echo'), service('echo'), service('other', { app: 'nothing' })]);
  const app = pickApp(renderAppDir(dir), NO_CHOICE, dir);
  assert.equal(app.deployment.metadata.name, 'echo');
  assert.equal(app.service.metadata.name, 'echo');
  assert.equal(app.servicePort, 0);
  assert.equal(app.podSelector, 'app=echo');
  assert.deepEqual(app.container, { name: 'echo', image: 'zdr-apps/echo:v1' });
});

test('--port picks a port by name or number, and an unknown one is named with the ports there are', () => {
  const dir = appDir([deployment('echo'), service('echo')]);
  assert.equal(pickApp(renderAppDir(dir), { ...NO_CHOICE, port: 'admin' }, dir).servicePort, 1);
  assert.equal(pickApp(renderAppDir(dir), { ...NO_CHOICE, port: '9000' }, dir).servicePort, 1);
  assert.throws(
    () => pickApp(renderAppDir(dir), { ...NO_CHOICE, port: 'grpc' }, dir),
    /^UsageError: --port grpc: Service echo has ports http \(80\), admin \(9000\)$/,
  );
});

test('a folder with no Deployment is one plain line', () => {
  const dir = appDir([service('echo')]);
  assert.throws(
    () => pickApp(renderAppDir(dir), NO_CHOICE, dir),
    /holds no Deployment: prove needs the app's Deployment$/,
  );
});

test('two Deployments and no --deployment ask for one, naming both; --deployment picks it', () => {
  const dir = appDir([deployment('a'), deployment('b'), service('b')]);
  assert.throws(
    () => pickApp(renderAppDir(dir), NO_CHOICE, dir),
    /holds 2 Deployments \(a, b\): pick one with --deployment NAME$/,
  );
  assert.equal(pickApp(renderAppDir(dir), { ...NO_CHOICE, deployment: 'b' }, dir).service.metadata.name, 'b');
});

test('a Service that selects no pod of the Deployment says both label sets', () => {
  const dir = appDir([deployment('echo'), service('echo', { app: 'ehco' })]);
  assert.throws(
    () => pickApp(renderAppDir(dir), NO_CHOICE, dir),
    /^UsageError: Service echo selects no pod of Deployment echo \(its selector app=ehco; the pods carry app=echo\)$/,
  );
});

test('a missing folder, an empty one and a document without a kind are each one plain line', () => {
  assert.throws(
    () => renderAppDir('/nonexistent/app'),
    /^UsageError: --app \/nonexistent\/app: no such folder$/,
  );
  assert.throws(() => renderAppDir(tempDir('prove-empty-')), /holds no kustomization and no \.yaml file$/);
  const dir = tempDir('prove-bad-');
  fs.writeFileSync(path.join(dir, 'a.yaml'), 'metadata:\n  name: x\n');
  assert.throws(() => renderAppDir(dir), /a\.yaml: a document without apiVersion, kind and metadata\.name$/);
});
