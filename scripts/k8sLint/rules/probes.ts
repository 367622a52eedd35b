import type { ProbeHandler } from '../../manifests/containerSettings.js';
import type { Rule } from '../rule.js';

/**
 * Probe rules. Readiness decides which pods get NEW connections; liveness restarts the container.
 * https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */

export const readinessProbe: Rule = {
  id: 'readiness-probe',
  check({ settings, main, finding }) {
    if (!settings || settings.container.readinessProbe) return [];
    return [
      finding(
        `${main}.readinessProbe`,
        'readiness-probe',
        'no readiness probe: a new pod counts as ready as soon as its process starts, before it listens, ' +
          'so the rollout sends it requests it refuses and takes old pods away too early',
      ),
    ];
  },
};

export const livenessProbe: Rule = {
  id: 'liveness-probe',
  check({ settings, main, finding }) {
    const readiness = settings?.container.readinessProbe;
    const liveness = settings?.container.livenessProbe;
    if (!readiness || !liveness || !sameEndpoint(readiness.handler, liveness.handler)) return [];
    return [
      finding(
        `${main}.livenessProbe`,
        'liveness-probe',
        `liveness checks the readiness endpoint (${describe(liveness.handler)}): readiness fails on purpose ` +
          'while a pod drains, so liveness would restart a draining pod and cut its requests; give liveness its own endpoint',
      ),
    ];
  },
};

/**
 * The app fails readiness only once SIGTERM arrives, i.e. after preStop, so only SHUTDOWN_DELAY_MS (not the
 * preStop sleep) is the window in which a load balancer that follows readiness (rather than endpoint
 * termination, as kube-proxy does) must see the pod fail. Worst case from SIGTERM to "not ready": the next
 * probe starts within periodSeconds, failureThreshold probes in a row must fail, and the last one may take
 * up to timeoutSeconds: periodSeconds × failureThreshold + timeoutSeconds ≤ SHUTDOWN_DELAY_MS / 1000.
 * Skipped when there is no readiness probe or no drain: those rules report the cause.
 */
export const probeTiming: Rule = {
  id: 'probe-timing',
  check({ settings, app, main, finding }) {
    const readiness = settings?.container.readinessProbe;
    if (!settings || !app || !readiness) return [];
    if (settings.container.preStop.type === 'none' && app.shutdownDelayMs === 0) return [];
    const { periodSeconds, failureThreshold, timeoutSeconds } = readiness;
    const notReadyAfter = periodSeconds * failureThreshold + timeoutSeconds;
    const drain = app.shutdownDelayMs / 1000;
    if (notReadyAfter <= drain) return [];
    return [
      finding(
        `${main}.readinessProbe`,
        'probe-timing',
        `readiness can take ${notReadyAfter} s to fail after SIGTERM (periodSeconds ${periodSeconds} × failureThreshold ` +
          `${failureThreshold} + timeoutSeconds ${timeoutSeconds}) but the app drains for only ${drain} s ` +
          '(SHUTDOWN_DELAY_MS): a load balancer that follows readiness keeps sending requests after the pod stops accepting',
      ),
    ];
  },
};

function sameEndpoint(a: ProbeHandler, b: ProbeHandler): boolean {
  if (a.type === 'httpGet' && b.type === 'httpGet') return a.path === b.path && a.port === b.port;
  return a.type === b.type && a.port === b.port;
}

function describe(handler: ProbeHandler): string {
  return handler.type === 'httpGet'
    ? `GET ${handler.path} on port ${handler.port}`
    : `TCP port ${handler.port}`;
}
