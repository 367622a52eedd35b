import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { deploymentSettings } from '../../../scripts/manifests/deploymentSettings.js';
import { containerEnv } from '../../../scripts/manifests/containerSettings.js';
import { ManifestError } from '../../../scripts/manifests/manifestError.js';
import { composedOverlay } from '../../support/compositions.js';
import { renderKustomization } from '../../../scripts/manifests/renderKustomization.js';
import { type KubeObject } from '../../../scripts/manifests/kubeObject.js';

const settingsOf = (scenario: string, version: 1 | 2, flavour: 'plain' | 'kind' = 'plain') =>
  deploymentSettings(
    renderKustomization(composedOverlay(scenario, version, flavour === 'kind' ? ['kind'] : [])),
  );

describe('deployment settings of the hardened overlays', () => {
  for (const version of [1, 2] as const) {
    test(`v${version} runs image hello:v${version} with APP_VERSION ${version}`, () => {
      const settings = settingsOf('hardened', version);
      assert.equal(settings.container.image, `hello:v${version}`);
      assert.equal(settings.container.env.APP_VERSION, String(version));
    });
  }

  test('v2 keeps every hardened value from the base', () => {
    const settings = settingsOf('hardened', 2);
    assert.equal(settings.name, 'hello');
    assert.equal(settings.replicas, 3);
    assert.equal(settings.maxSurge, 1);
    assert.equal(settings.maxUnavailable, 0);
    assert.ok(settings.minReadySeconds >= 1);
    assert.equal(settings.progressDeadlineSeconds, 60);
    assert.deepEqual(settings.container.preStop, { type: 'sleep', seconds: 2 });
    assert.deepEqual(settings.container.readinessProbe, {
      handler: { type: 'httpGet', path: '/health', port: 8080, scheme: 'HTTP' },
      initialDelaySeconds: 0,
      periodSeconds: 1,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 2,
    });
    assert.equal(settings.container.livenessProbe?.handler.type, 'httpGet');
    assert.deepEqual(settings.container.startupProbe?.handler, {
      type: 'httpGet',
      path: '/livez',
      port: 8080,
      scheme: 'HTTP',
    });
    assert.deepEqual(settings.container.fieldEnv, { POD_NAME: 'metadata.name' });
    assert.deepEqual(settings.service, {
      name: 'hello',
      type: 'ClusterIP',
      port: 80,
      targetPort: 8080,
      nodePort: null,
    });
  });

  test('readiness and liveness probe different endpoints, liveness much more patiently', () => {
    const { readinessProbe, livenessProbe } = settingsOf('hardened', 1).container;
    assert.ok(readinessProbe?.handler.type === 'httpGet' && livenessProbe?.handler.type === 'httpGet');
    assert.notEqual(readinessProbe.handler.path, livenessProbe.handler.path);
    const patience = (probe: typeof readinessProbe) => probe.periodSeconds * probe.failureThreshold;
    assert.ok(patience(livenessProbe) > patience(readinessProbe));
  });

  test('the grace period covers preStop, the drain and the in-flight bound', () => {
    for (const version of [1, 2] as const) {
      const { terminationGracePeriodSeconds, container } = settingsOf('hardened', version);
      const preStop = container.preStop.type === 'sleep' ? container.preStop.seconds : 0;
      const drain = Number(container.env.SHUTDOWN_DELAY_MS) / 1000;
      const inFlight = Number(container.env.SHUTDOWN_TIMEOUT_MS) / 1000;
      assert.ok(drain > 0 && inFlight >= 2, 'the drain and the in-flight bound are set (v1 work takes 2 s)');
      assert.ok(
        terminationGracePeriodSeconds >= preStop + drain + inFlight,
        `${terminationGracePeriodSeconds} s < ${preStop} + ${drain} + ${inFlight} s`,
      );
    }
  });

  test('POD_NAME is filled from the pod, GREETING from its ConfigMap, the rest from the manifest', () => {
    const { container } = settingsOf('hardened', 1);
    const ref = container.configMapEnv.GREETING!;
    assert.match(ref.configMap, /^hello-config-[a-z0-9]{10}$/, 'the generated, hashed name');
    const configMaps = (name: string) => (name === ref.configMap ? { GREETING: 'Hello' } : undefined);
    const env = containerEnv(container, { name: 'hello-abc', namespace: 'default' }, configMaps);
    assert.equal(env.POD_NAME, 'hello-abc');
    assert.equal(env.GREETING, 'Hello');
    assert.equal(env.SHUTDOWN_TIMEOUT_MS, '5000');
  });

  test('a container whose ConfigMap key is missing does not start, as the kubelet refuses it', () => {
    const { container } = settingsOf('hardened', 1);
    assert.throws(
      () => containerEnv(container, { name: 'hello-abc', namespace: 'default' }, () => ({})),
      /^ManifestError: couldn't find key GREETING in ConfigMap hello-config-[a-z0-9]{10} \(env GREETING\)$/,
    );
  });

  test('a mounted ConfigMap is a mount the engine keeps up to date; GREETING_FILE points into it', () => {
    const { container } = settingsOf('config-in-place-volume', 1);
    assert.deepEqual(container.configMapMounts, [
      { volume: 'config', mountPath: '/etc/hello', configMap: 'hello-config' },
    ]);
    assert.equal(container.env.GREETING_FILE, '/etc/hello/GREETING');
    assert.deepEqual(container.configMapEnv, {}, 'the file takes the variable’s place');
  });

  test('the same manifests give the same template hash; a new configuration a new one', () => {
    assert.equal(settingsOf('hardened', 1).templateHash, settingsOf('hardened', 1).templateHash);
    assert.notEqual(settingsOf('config-hashed', 1).templateHash, settingsOf('config-hashed', 2).templateHash);
    assert.equal(
      settingsOf('config-in-place-env', 1).templateHash,
      settingsOf('config-in-place-env', 2).templateHash,
    );
  });
});

describe('deployment settings of the naive overlays', () => {
  for (const version of [1, 2] as const) {
    test(`naive-v${version} has no readiness or startup probe, no preStop, no drain, no graceful shutdown`, () => {
      const settings = settingsOf('naive', version);
      assert.equal(settings.container.image, `hello:v${version}`);
      assert.equal(settings.container.env.APP_VERSION, String(version));
      assert.equal(settings.container.readinessProbe, null);
      assert.equal(settings.container.startupProbe, null);
      assert.deepEqual(settings.container.preStop, { type: 'none' });
      assert.equal(settings.container.env.SHUTDOWN_DELAY_MS, '0');
      assert.equal(settings.container.env.FAULT, 'exit-at-once-on-sigterm');
    });
  }
});

describe('deployment settings of the kind overlays', () => {
  test('kind-v2 publishes nodePort 30080 and never pulls', () => {
    const settings = settingsOf('hardened', 2, 'kind');
    assert.equal(settings.container.image, 'hello:v2');
    assert.deepEqual(settings.service, {
      name: 'hello',
      type: 'NodePort',
      port: 80,
      targetPort: 8080,
      nodePort: 30080,
    });
    const deployment = renderKustomization(composedOverlay('hardened', 2, ['kind'])).find(
      (o) => o.kind === 'Deployment',
    );
    const spec = deployment?.spec as { template: { spec: { containers: { imagePullPolicy: string }[] } } };
    assert.equal(spec.template.spec.containers[0]?.imagePullPolicy, 'Never');
  });

  test('naive v1 on kind is naive too', () => {
    assert.equal(settingsOf('naive', 1, 'kind').container.readinessProbe, null);
  });
});

/** A minimal Deployment: every field the settings default is absent. */
function bareDeployment(
  container: Record<string, unknown> = {},
  spec: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'bare' },
    spec: {
      selector: { matchLabels: { app: 'bare' } },
      template: {
        metadata: { labels: { app: 'bare' } },
        spec: { containers: [{ name: 'app', image: 'bare:1', ...container }] },
      },
      ...spec,
    },
  };
}

describe('deployment settings with Kubernetes defaults', () => {
  test('fills every default of an absent field', () => {
    const settings = deploymentSettings([bareDeployment()]);
    assert.equal(settings.replicas, 1);
    assert.equal(settings.maxSurge, '25%');
    assert.equal(settings.maxUnavailable, '25%');
    assert.equal(settings.minReadySeconds, 0);
    assert.equal(settings.progressDeadlineSeconds, 600);
    assert.equal(settings.terminationGracePeriodSeconds, 30);
    assert.equal(settings.namespace, 'default');
    assert.deepEqual(settings.container.preStop, { type: 'none' });
    assert.equal(settings.container.readinessProbe, null);
    assert.equal(settings.container.port, null);
    assert.equal(settings.service, null);
  });

  test('fills the probe defaults: delay 0, period 10, timeout 1, success 1, failure 3, path /', () => {
    const settings = deploymentSettings([bareDeployment({ readinessProbe: { httpGet: { port: 9000 } } })]);
    assert.deepEqual(settings.container.readinessProbe, {
      handler: { type: 'httpGet', path: '/', port: 9000, scheme: 'HTTP' },
      initialDelaySeconds: 0,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    });
  });

  test('keeps a lone maxSurge percentage and defaults the other to 25%', () => {
    const settings = deploymentSettings([
      bareDeployment({}, { strategy: { rollingUpdate: { maxSurge: '50%' } } }),
    ]);
    assert.equal(settings.maxSurge, '50%');
    assert.equal(settings.maxUnavailable, '25%');
  });

  test('reads an exec preStop and a tcpSocket probe on a named port', () => {
    const settings = deploymentSettings([
      bareDeployment({
        ports: [{ name: 'web', containerPort: 3000 }],
        livenessProbe: { tcpSocket: { port: 'web' } },
        lifecycle: { preStop: { exec: { command: ['sleep', '5'] } } },
      }),
    ]);
    assert.deepEqual(settings.container.livenessProbe?.handler, { type: 'tcpSocket', port: 3000 });
    assert.deepEqual(settings.container.preStop, { type: 'exec', command: ['sleep', '5'] });
  });

  const refusals: Array<[string, KubeObject[], RegExp]> = [
    ['no Deployment', [], /^the manifests contain no Deployment$/],
    [
      'a Recreate strategy',
      [bareDeployment({}, { strategy: { type: 'Recreate' } })],
      /only the RollingUpdate/,
    ],
    ['an exec probe', [bareDeployment({ readinessProbe: { exec: { command: ['true'] } } })], /exec probe/],
    [
      'a probe on an unknown port name',
      [bareDeployment({ readinessProbe: { httpGet: { port: 'x' } } })],
      /no port named "x"/,
    ],
    [
      'a secret in the environment',
      [bareDeployment({ env: [{ name: 'A', valueFrom: { secretKeyRef: {} } }] })],
      /secretKeyRef/,
    ],
    [
      'a maxSurge that is not a count or percentage',
      [bareDeployment({}, { strategy: { rollingUpdate: { maxSurge: 'one' } } })],
      /maxSurge/,
    ],
    [
      'maxSurge and maxUnavailable both 0',
      [bareDeployment({}, { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: '0%' } } })],
      /may not both be 0/,
    ],
    [
      'a period of 0 seconds',
      [bareDeployment({ livenessProbe: { httpGet: { port: 1 }, periodSeconds: 0 } })],
      /livenessProbe.periodSeconds/,
    ],
  ];
  for (const [what, objects, message] of refusals) {
    test(`refuses ${what} with one line naming it`, () => {
      assert.throws(
        () => deploymentSettings(objects),
        (error: unknown) =>
          error instanceof ManifestError && message.test(error.message) && !error.message.includes('\n'),
      );
    });
  }
});
