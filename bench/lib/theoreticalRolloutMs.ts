import type { DeploymentSettings } from '../../scripts/manifests/deploymentSettings.js';
import type { ProbeSettings } from '../../scripts/manifests/containerSettings.js';
import { resolveRollingUpdate } from '../../scripts/manifests/rollingUpdate.js';

export interface RolloutMinimum {
  /** Surge steps on the critical path: ceil(replicas / maxSurge). */
  steps: number;
  /** One step: container start → startup probe passes → readiness passes → minReadySeconds elapsed. */
  stepMs: number;
  startupMs: number;
  readinessMs: number;
  minReadyMs: number;
  totalMs: number;
}

/** When a probe first passes, counted from when it starts, for a process listening `listenMs` after that. */
function probePassesAtMs(probe: ProbeSettings | null, listenMs: number): number {
  if (probe === null) return listenMs;
  const delayMs = probe.initialDelaySeconds * 1000;
  const periodMs = probe.periodSeconds * 1000;
  // Checks run at delay, delay + period, ...: the first one at or after `listenMs` succeeds, then
  // successThreshold - 1 more, one period apart.
  const first = delayMs + Math.ceil(Math.max(0, listenMs - delayMs) / periodMs) * periodMs;
  return first + (probe.successThreshold - 1) * periodMs;
}

/**
 * The shortest a rolling update of `settings` can take, from rollout-started to rollout-complete,
 * with maxUnavailable 0 (the only strategy the hardened manifests use; anything else returns null):
 *
 *   steps  = ceil(replicas / maxSurge)                     each step waits for the previous one's pods
 *   step   = startup + readiness + minReadySeconds
 *   startup   = first startup-probe check at or after the container listens (checks at
 *               initialDelaySeconds + k × periodSeconds, counted from container start)
 *   readiness = first readiness check after startup passed (the kubelet holds readiness until the
 *               startup probe succeeds; the local engine starts it at that moment, so with
 *               initialDelaySeconds 0 and a listening process this is 0)
 *   minimum = steps × step
 *
 * `listenMs` is spawn → listening: pass the measured figure for the practical minimum, or 0 for a
 * strict lower bound (then the first startup check at t = 0 passes).
 *
 * Drain is NOT on the critical path: rollout-complete counts only non-terminating pods
 * (scripts/targets/local/deploymentController.ts: `active` filters out terminating pods, and `complete` is
 * fresh === active === replicas, all available), as Kubernetes' rollout status does, so the last old
 * pods' preStop, drain and exit happen after the rollout is complete. Neither are the controller's
 * own reaction times (its 100 ms resync, process spawn bookkeeping): that is the overhead measured.
 */
export function theoreticalRolloutMs(settings: DeploymentSettings, listenMs: number): RolloutMinimum | null {
  const { maxSurge, maxUnavailable } = resolveRollingUpdate(
    settings.replicas,
    settings.maxSurge,
    settings.maxUnavailable,
  );
  if (maxUnavailable !== 0 || maxSurge === 0) return null;
  const steps = Math.ceil(settings.replicas / maxSurge);
  const { startupProbe, readinessProbe } = settings.container;
  const startupMs = startupProbe ? probePassesAtMs(startupProbe, listenMs) : 0;
  const readinessMs = probePassesAtMs(readinessProbe, startupProbe ? 0 : listenMs);
  const minReadyMs = settings.minReadySeconds * 1000;
  const stepMs = startupMs + readinessMs + minReadyMs;
  return { steps, stepMs, startupMs, readinessMs, minReadyMs, totalMs: steps * stepMs };
}
