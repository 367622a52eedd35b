import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { deploymentSettings } from '../../../scripts/manifests/deploymentSettings.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';
import { objectId, type KubeObject } from '../../../scripts/manifests/kubeObject.js';
import { k8sDir } from '../../../scripts/manifests/overlays.js';
import { scenarioOverlays } from '../../../scripts/scenarios/scenarioOverlays.js';
import { findScenario, SCENARIOS } from '../../../scripts/scenarios/scenarios.js';

const noKubectl =
  spawnSync('kubectl', ['version', '--client'], { timeout: 30_000 }).status === 0
    ? false
    : 'kubectl is not installed';
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'scenario-overlays-'));

function settingsOf(overlay: string) {
  return deploymentSettings(renderKustomization(overlay));
}

for (const scenario of SCENARIOS) {
  for (const components of [[], ['kind'], ['node-port']]) {
    test(
      `scenario ${scenario.name} (target Components: ${components.join(', ') || 'none'}) renders exactly as kubectl kustomize does, both versions`,
      { skip: noKubectl },
      () => {
        const { from, to } = scenarioOverlays(scenario, scenario.change, components, workDir);
        for (const dir of [from, to]) {
          const output = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', timeout: 30_000 });
          const theirs = parseAllDocuments(output).map((d) => d.toJS() as KubeObject);
          const ours = renderKustomization(dir);
          assert.deepEqual(
            new Map(ours.map((o) => [objectId(o), o])),
            new Map(theirs.map((o) => [objectId(o), o])),
            dir,
          );
        }
      },
    );
  }
}

test('each removed protection is removed, and only from the scenario that names it', () => {
  const overlays = (name: string) => scenarioOverlays(findScenario(name)!, 'code', [], workDir);
  const hardened = settingsOf(overlays('hardened').to);
  assert.ok(hardened.container.readinessProbe && hardened.container.preStop.type === 'sleep');

  const noReadiness = settingsOf(overlays('no-readiness').to).container;
  assert.equal(noReadiness.readinessProbe, null);
  assert.equal(noReadiness.startupProbe, null);
  assert.equal(noReadiness.env.STARTUP_DELAY_MS, '2000');
  assert.equal(noReadiness.preStop.type, 'sleep', 'the drain is untouched');

  const noDrain = settingsOf(overlays('no-drain').to).container;
  assert.equal(noDrain.preStop.type, 'none');
  assert.equal(noDrain.env.SHUTDOWN_DELAY_MS, '0');
  assert.ok(noDrain.readinessProbe, 'the readiness probe is untouched');

  assert.equal(settingsOf(overlays('no-graceful').to).container.env.FAULT, 'exit-at-once-on-sigterm');
  assert.equal(settingsOf(overlays('short-grace').to).terminationGracePeriodSeconds, 3);
  assert.equal(settingsOf(overlays('no-connection-close').to).container.env.FAULT, 'no-connection-close');
});

test('fault scenarios break v2 only, and shorten the progress deadline where the rollout must stall', () => {
  for (const [name, fault] of [
    ['v2-never-ready', 'never-ready'],
    ['v2-crash-at-start', 'crash-at-start'],
  ] as const) {
    const { from, to } = scenarioOverlays(findScenario(name)!, 'code', [], workDir);
    assert.equal(settingsOf(from).container.env.FAULT, undefined, `${name}: v1 is healthy`);
    assert.equal(settingsOf(to).container.env.FAULT, fault);
    assert.equal(settingsOf(to).progressDeadlineSeconds, 20);
  }
  const slow = scenarioOverlays(findScenario('v2-slow-start')!, 'code', [], workDir);
  assert.equal(settingsOf(slow.to).container.env.STARTUP_DELAY_MS, '12000');
  assert.ok(settingsOf(slow.to).container.startupProbe, 'the startup probe holds the slow pod');
});

test('the hardened scenario with no target Components is the plain overlay users apply', () => {
  const { from, to } = scenarioOverlays(findScenario('hardened')!, 'code', [], workDir);
  assert.equal(path.relative(k8sDir(), from), path.join('overlays', 'v1'));
  assert.equal(path.relative(k8sDir(), to), path.join('overlays', 'v2'));
});

test("a target's Components go on top of the scenario's: naive on kind is naive, on NodePort 30080, never pulled", () => {
  const { to } = scenarioOverlays(findScenario('naive')!, 'code', ['kind'], workDir);
  const settings = settingsOf(to);
  assert.equal(settings.container.readinessProbe, null, 'the scenario');
  assert.equal(settings.service?.nodePort, 30080, 'the target');
  const deployment = renderKustomization(to).find((object) => object.kind === 'Deployment');
  assert.match(JSON.stringify(deployment), /"imagePullPolicy":"Never"/);
});

test('a configuration-only change rolls v1 to v1 with the new greeting; both rolls to v2 with it', () => {
  const scenario = findScenario('config-hashed')!;
  const config = scenarioOverlays(scenario, 'config', [], workDir);
  const both = scenarioOverlays(scenario, 'both', [], workDir);
  const code = scenarioOverlays(scenario, 'code', [], workDir);
  assert.equal(settingsOf(config.to).container.image, 'hello:v1');
  assert.equal(settingsOf(both.to).container.image, 'hello:v2');
  const greeting = (dir: string) =>
    renderKustomization(dir).find((o) => o.kind === 'ConfigMap')?.data as Record<string, string>;
  assert.deepEqual(greeting(config.from), { GREETING: 'Hello' });
  assert.deepEqual(greeting(config.to), { GREETING: 'Howdy' });
  assert.deepEqual(greeting(both.to), { GREETING: 'Howdy' });
  assert.deepEqual(greeting(code.to), { GREETING: 'Hello' }, 'a code change keeps the configuration');
  assert.match(path.basename(config.to), /-v1-new-config$/);
});

test('the in-place scenarios keep one fixed-name ConfigMap; the shared-breaking one renames its key in it', () => {
  const names = (name: string) =>
    Object.values(scenarioOverlays(findScenario(name)!, findScenario(name)!.change, [], workDir)).map((dir) =>
      renderKustomization(dir).find((o) => o.kind === 'ConfigMap'),
    );
  for (const name of ['config-in-place-env', 'config-in-place-volume']) {
    const [from, to] = names(name);
    assert.equal(from?.metadata.name, 'hello-config');
    assert.equal(to?.metadata.name, 'hello-config');
  }
  const [, renamed] = names('config-shared-breaking');
  assert.deepEqual(renamed?.data, { 'greeting.txt': 'Howdy' });
});
