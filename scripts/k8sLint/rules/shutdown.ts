import type { Rule } from '../rule.js';

/**
 * Shutdown rules. Endpoint removal and the kubelet's shutdown start at the same moment; the kubelet runs
 * preStop, then sends SIGTERM, and SIGKILLs at terminationGracePeriodSeconds counted from the start
 * (preStop included). https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 */

/** Seconds of headroom over the worst-case shutdown, for the process to exit and the kubelet to notice. */
export const GRACE_MARGIN_SECONDS = 1;

export const drain: Rule = {
  id: 'drain',
  check({ settings, app, foreign, main, finding }) {
    // A team's app may keep serving after SIGTERM by itself; only its preStop is for the lint to see.
    if (settings && foreign && settings.container.preStop.type === 'none')
      return [
        finding(
          `${main}.lifecycle.preStop`,
          'drain',
          'no preStop hook: SIGTERM races the removal of the pod from the endpoints, so connections sent ' +
            'before every kube-proxy catches up reach a pod that is stopping (unless the app keeps serving ' +
            'for a while after SIGTERM, which the lint cannot see)',
        ),
      ];
    if (!settings || !app) return [];
    if (settings.container.preStop.type !== 'none' || app.shutdownDelayMs > 0) return [];
    return [
      finding(
        `${main}.lifecycle.preStop`,
        'drain',
        'no preStop hook and SHUTDOWN_DELAY_MS is 0: SIGTERM races the removal of the pod from the endpoints, ' +
          'so connections sent before every kube-proxy catches up are refused',
      ),
    ];
  },
};

export const terminationGracePeriod: Rule = {
  id: 'termination-grace-period',
  check({ settings, app, foreign, finding }) {
    if (!settings) return [];
    const { preStop } = settings.container;
    // An exec hook's duration is unknown here; only the sleep action has a number to add.
    const preStopSeconds = preStop.type === 'sleep' ? preStop.seconds : 0;
    const grace = settings.terminationGracePeriodSeconds;
    if (foreign) {
      const needed = preStopSeconds + GRACE_MARGIN_SECONDS;
      if (grace >= needed) return [];
      return [
        finding(
          'spec.template.spec.terminationGracePeriodSeconds',
          'termination-grace-period',
          `${grace} s is less than preStop ${preStopSeconds} s + ${GRACE_MARGIN_SECONDS} s margin, before the ` +
            'app has had any time of its own to finish after SIGTERM: the kubelet SIGKILLs the pod while ' +
            'requests are still in flight',
        ),
      ];
    }
    if (!app) return [];
    const parts = [
      preStopSeconds,
      app.shutdownDelayMs / 1000,
      app.shutdownTimeoutMs / 1000,
      GRACE_MARGIN_SECONDS,
    ];
    const needed = parts.reduce((sum, part) => sum + part, 0);
    if (grace >= needed) return [];
    return [
      finding(
        'spec.template.spec.terminationGracePeriodSeconds',
        'termination-grace-period',
        `${grace} s is less than the worst-case shutdown of ${needed} s (preStop ${parts[0]} + SHUTDOWN_DELAY_MS ` +
          `${parts[1]} + SHUTDOWN_TIMEOUT_MS ${parts[2]} + ${GRACE_MARGIN_SECONDS} s margin): ` +
          'the kubelet SIGKILLs the pod while requests are still in flight',
      ),
    ];
  },
};
