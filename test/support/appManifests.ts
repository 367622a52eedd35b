/** A team's Deployment and Service as the prove tests write them: an app that is not the sample. */
export function deployment(
  name: string,
  container: Record<string, unknown> = {},
  spec: Record<string, unknown> = {},
  podSpec: Record<string, unknown> = {},
) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name, image: `zdr-apps/${name}:v1`, ...container }], ...podSpec },
      },
      ...spec,
    },
  };
}

export function service(name: string, selector: Record<string, string> = { app: name }) {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: {
      selector,
      ports: [
        { name: 'http', port: 80, targetPort: 8080 },
        { name: 'admin', port: 9000 },
      ],
    },
  };
}

/** Every protection prove can remove, as a hardened Deployment has them. */
export const HARDENED_CONTAINER = {
  readinessProbe: { httpGet: { path: '/', port: 8080 } },
  lifecycle: { preStop: { sleep: { seconds: 5 } } },
};
export const HARDENED_SPEC = {
  minReadySeconds: 3,
  strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
};
export const HARDENED_POD = { terminationGracePeriodSeconds: 15 };
