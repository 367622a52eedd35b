import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { lintObjects } from '../../../scripts/k8sLint/lintObjects.js';
import { deploymentSettings } from '../../../scripts/manifests/deploymentSettings.js';
import { overlayDir } from '../../../scripts/manifests/overlays.js';
import { allCompositions, distinctComponentSets } from '../../support/compositions.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';
import { type KubeObject } from '../../../scripts/manifests/kubeObject.js';
import { scenarioOverlays } from '../../../scripts/scenarios/scenarioOverlays.js';
import { SCENARIOS } from '../../../scripts/scenarios/scenarios.js';
import { deployment, HARDENED_CONTAINER, HARDENED_POD, HARDENED_SPEC } from '../../support/appManifests.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- mutations reach into rendered YAML by path */

const C = 'spec.template.spec.containers[hello]';
const v2 = renderKustomization(overlayDir(2));

/** The rendered v2 objects with one mutation applied to a fresh copy of the Deployment. */
function brokenV2(mutate: (deployment: any, container: any) => void): KubeObject[] {
  const objects = structuredClone(v2);
  const deployment = objects.find((object) => object.kind === 'Deployment') as any;
  mutate(deployment, deployment.spec.template.spec.containers[0]);
  return objects;
}

function setEnv(container: any, name: string, value: string): void {
  const existing = container.env.find((variable: any) => variable.name === name);
  if (existing) existing.value = value;
  else container.env.push({ name, value });
}

const brief = (objects: readonly KubeObject[]) =>
  lintObjects(objects).map(({ object, rule, field }) => ({ object, rule, field }));
const finding = (rule: string, field: string) => ({
  object: 'apps/v1 Deployment default/hello',
  rule,
  field,
});

const cases: Array<{
  broken: string;
  mutate: (deployment: any, container: any) => void;
  rule: string;
  field: string;
}> = [
  {
    broken: 'no readiness probe',
    mutate: (_, c) => delete c.readinessProbe,
    rule: 'readiness-probe',
    field: `${C}.readinessProbe`,
  },
  {
    broken: 'a liveness probe on the readiness endpoint',
    mutate: (_, c) => (c.livenessProbe.httpGet.path = '/health'),
    rule: 'liveness-probe',
    field: `${C}.livenessProbe`,
  },
  {
    broken: 'maxUnavailable 1',
    mutate: (d) => (d.spec.strategy.rollingUpdate.maxUnavailable = 1),
    rule: 'max-unavailable',
    field: 'spec.strategy.rollingUpdate.maxUnavailable',
  },
  {
    broken: 'maxUnavailable 34% of 3 replicas (rounds down to 1)',
    mutate: (d) => (d.spec.strategy.rollingUpdate.maxUnavailable = '34%'),
    rule: 'max-unavailable',
    field: 'spec.strategy.rollingUpdate.maxUnavailable',
  },
  {
    broken: 'no preStop and no app drain',
    mutate: (_, c) => {
      delete c.lifecycle;
      setEnv(c, 'SHUTDOWN_DELAY_MS', '0');
    },
    rule: 'drain',
    field: `${C}.lifecycle.preStop`,
  },
  {
    broken: 'a test-only fault switched on (the app exits at once on SIGTERM)',
    mutate: (_, c) => setEnv(c, 'FAULT', 'exit-at-once-on-sigterm'),
    rule: 'demo-fault',
    field: `${C}.env[FAULT]`,
  },
  {
    broken: 'a grace period 1 s short of 2 + 3 + 5 + 1',
    mutate: (d) => (d.spec.template.spec.terminationGracePeriodSeconds = 10),
    rule: 'termination-grace-period',
    field: 'spec.template.spec.terminationGracePeriodSeconds',
  },
  {
    broken: 'a grace period too short for a longer in-flight bound',
    mutate: (_, c) => setEnv(c, 'SHUTDOWN_TIMEOUT_MS', '12000'),
    rule: 'termination-grace-period',
    field: 'spec.template.spec.terminationGracePeriodSeconds',
  },
  {
    broken: 'readiness slower to fail than the app drains',
    mutate: (_, c) => (c.readinessProbe.periodSeconds = 5),
    rule: 'probe-timing',
    field: `${C}.readinessProbe`,
  },
  {
    broken: 'the latest tag',
    mutate: (_, c) => (c.image = 'hello:latest'),
    rule: 'image-tag',
    field: `${C}.image`,
  },
  {
    broken: 'an untagged image',
    mutate: (_, c) => (c.image = 'hello'),
    rule: 'image-tag',
    field: `${C}.image`,
  },
  {
    broken: 'runAsNonRoot removed from the pod',
    mutate: (d) => delete d.spec.template.spec.securityContext.runAsNonRoot,
    rule: 'run-as-non-root',
    field: `${C}.securityContext.runAsNonRoot`,
  },
  {
    broken: 'runAsNonRoot overridden to false by the container',
    mutate: (_, c) => (c.securityContext.runAsNonRoot = false),
    rule: 'run-as-non-root',
    field: `${C}.securityContext.runAsNonRoot`,
  },
  {
    broken: 'a writable root filesystem',
    mutate: (_, c) => (c.securityContext.readOnlyRootFilesystem = false),
    rule: 'read-only-root-filesystem',
    field: `${C}.securityContext.readOnlyRootFilesystem`,
  },
  {
    broken: 'capabilities kept',
    mutate: (_, c) => (c.securityContext.capabilities.drop = ['NET_RAW']),
    rule: 'drop-capabilities',
    field: `${C}.securityContext.capabilities.drop`,
  },
  {
    broken: 'privilege escalation left at its default',
    mutate: (_, c) => delete c.securityContext.allowPrivilegeEscalation,
    rule: 'no-privilege-escalation',
    field: `${C}.securityContext.allowPrivilegeEscalation`,
  },
  {
    broken: 'no memory limit',
    mutate: (_, c) => delete c.resources.limits.memory,
    rule: 'resources',
    field: `${C}.resources.limits.memory`,
  },
  {
    broken: 'no cpu request',
    mutate: (_, c) => delete c.resources.requests.cpu,
    rule: 'resources',
    field: `${C}.resources.requests.cpu`,
  },
  {
    broken: 'a misspelled readinessProbe (the schema stage lets unknown fields through)',
    mutate: (_, c) => {
      c.readinesProbe = c.readinessProbe;
      delete c.readinessProbe;
    },
    rule: 'readiness-probe',
    field: `${C}.readinessProbe`,
  },
];

describe('lint rules on the v2 overlay broken one way at a time', () => {
  for (const { broken, mutate, rule, field } of cases) {
    test(`${broken} gives exactly one ${rule} finding on ${field}`, () => {
      assert.deepEqual(brief(brokenV2(mutate)), [finding(rule, field)]);
    });
  }

  test('every finding says why it matters in one line', () => {
    for (const { mutate } of cases) {
      for (const { message } of lintObjects(brokenV2(mutate))) {
        assert.ok(message.length > 30 && !message.includes('\n'), message);
      }
    }
  });
});

describe('lint rules at their boundaries', () => {
  test('maxUnavailable 25% of 3 replicas rounds down to 0 and passes', () => {
    assert.deepEqual(brief(brokenV2((d) => (d.spec.strategy.rollingUpdate.maxUnavailable = '25%'))), []);
  });

  test('a grace period of exactly 2 + 3 + 5 + 1 s passes', () => {
    assert.deepEqual(brief(brokenV2((d) => (d.spec.template.spec.terminationGracePeriodSeconds = 11))), []);
  });

  test('a drain in the app alone (no preStop) passes the drain rule', () => {
    assert.deepEqual(brief(brokenV2((_, c) => delete c.lifecycle)), []);
  });

  test('an image pinned by digest alone passes', () => {
    assert.deepEqual(brief(brokenV2((_, c) => (c.image = `hello@sha256:${'a'.repeat(64)}`))), []);
  });

  test('unset SHUTDOWN_* variables take the service defaults (5 s + 10 s), which 15 s does not cover', () => {
    const objects = brokenV2((_, c) => {
      c.env = c.env.filter((variable: any) => !variable.name.startsWith('SHUTDOWN_'));
    });
    assert.deepEqual(brief(objects), [
      finding('termination-grace-period', 'spec.template.spec.terminationGracePeriodSeconds'),
    ]);
  });

  test('an environment the service would refuse is one app-env finding', () => {
    assert.deepEqual(brief(brokenV2((_, c) => setEnv(c, 'SHUTDOWN_DELAY_MS', 'soon'))), [
      finding('app-env', `${C}.env`),
    ]);
  });

  test('a Deployment the settings reader refuses is one manifest finding, pod rules still run', () => {
    const objects = brokenV2((_, c) => {
      c.readinessProbe = { exec: { command: ['true'] } };
      c.image = 'hello:latest';
    });
    assert.deepEqual(brief(objects), [finding('manifest', 'spec'), finding('image-tag', `${C}.image`)]);
  });
});

describe('the demo-fault rule', () => {
  test('flags FAULT whatever its value, even none or empty', () => {
    for (const value of ['never-ready', 'crash-at-start', 'no-connection-close', 'anything', 'none', '']) {
      const findings = lintObjects(brokenV2((_, c) => setEnv(c, 'FAULT', value)));
      assert.deepEqual(
        findings.map(({ rule, field }) => ({ rule, field })),
        [{ rule: 'demo-fault', field: `${C}.env[FAULT]` }],
        value,
      );
      assert.match(findings[0]?.message ?? '', /test-only .*never set it in a real deployment$/);
    }
  });

  test('flags FAULT in an init container too, even one the rollout rules cannot read', () => {
    const objects = brokenV2((d, c) => {
      const { image, securityContext, resources } = c;
      d.spec.template.spec.initContainers = [
        { name: 'setup', image, securityContext, resources, env: [{ name: 'FAULT', value: 'x' }] },
      ];
    });
    assert.deepEqual(brief(objects), [
      finding('manifest', 'spec'),
      finding('demo-fault', 'spec.template.spec.initContainers[setup].env[FAULT]'),
    ]);
  });

  test('flags every scenario version that sets a FAULT, and no other', () => {
    const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lint-scenarios-'));
    try {
      const flagged: string[] = [];
      for (const scenario of SCENARIOS) {
        const { from, to } = scenarioOverlays(scenario, scenario.change, [], workDir);
        for (const [version, dir] of [
          ['v1', from],
          ['v2', to],
        ] as const) {
          const objects = renderKustomization(dir);
          const hasFault = deploymentSettings(objects).container.env.FAULT !== undefined;
          const flags = lintObjects(objects).some((f) => f.rule === 'demo-fault');
          assert.equal(flags, hasFault, `${scenario.name} ${version}`);
          if (flags) flagged.push(`${scenario.name} ${version}`);
        }
      }
      assert.deepEqual(flagged, [
        'naive v1',
        'naive v2',
        'no-graceful v1',
        'no-graceful v2',
        'no-stream-drain v1',
        'no-stream-drain v2',
        'orders-cut-in-drain v1',
        'orders-cut-in-drain v2',
        'no-connection-close v1',
        'no-connection-close v2',
        'v2-never-ready v2',
        'v2-crash-at-start v2',
      ]);
    } finally {
      fs.rmSync(workDir, { recursive: true, force: true });
    }
  });
});

describe('lint rules on what the runs apply', () => {
  const compositions = allCompositions();
  for (const { name, dir } of compositions.filter((c) => c.scenario === 'hardened')) {
    test(`hardened ${name} has no findings`, () => {
      assert.deepEqual(lintObjects(renderKustomization(dir)), []);
    });
  }

  for (const { name, dir } of compositions.filter((c) => c.scenario === 'naive')) {
    test(`${name} shows no readiness probe, no drain and the fault that skips graceful shutdown`, () => {
      assert.deepEqual(brief(renderKustomization(dir)), [
        finding('readiness-probe', `${C}.readinessProbe`),
        finding('drain', `${C}.lifecycle.preStop`),
        finding('demo-fault', `${C}.env[FAULT]`),
      ]);
    });
  }

  test('every scenario is composed with every set of target Components, both versions', () => {
    assert.equal(compositions.length, SCENARIOS.length * distinctComponentSets().length * 2);
  });
});

describe("a team's app (npm run prove): the lint does not read its environment as the sample's", () => {
  const team = (container: object, podSpec: object = {}) =>
    [
      deployment('echo', { ...HARDENED_CONTAINER, ...container }, HARDENED_SPEC, {
        ...HARDENED_POD,
        ...podSpec,
      }),
    ] as KubeObject[];
  const rules = (objects: KubeObject[]) =>
    lintObjects(objects, { foreign: true })
      .map((f) => f.rule)
      .filter((rule) =>
        ['drain', 'termination-grace-period', 'demo-fault', 'readiness-probe'].includes(rule),
      );

  test('no preStop is a finding, though no SHUTDOWN_DELAY_MS says the app drains', () => {
    assert.deepEqual(rules(team({ lifecycle: {} })), ['drain']);
    assert.deepEqual(rules(team({})), []);
  });

  test("a grace period shorter than preStop and its margin is a finding; the app's own time is unknown", () => {
    assert.deepEqual(rules(team({}, { terminationGracePeriodSeconds: 5 })), ['termination-grace-period']);
    assert.deepEqual(rules(team({}, { terminationGracePeriodSeconds: 6 })), []);
  });

  test('its FAULT variable is its own business', () => {
    assert.deepEqual(rules(team({ env: [{ name: 'FAULT', value: 'x' }] })), []);
  });
});
