/**
 * The rolling-update arithmetic of a Deployment: how many extra pods a rollout may create (maxSurge)
 * and how many may be missing (maxUnavailable), from values that are whole numbers or percentages.
 *
 * The rules, from pkg/controller/deployment/util/deployment_util.go (ResolveFenceposts):
 *   - both default to 25%;
 *   - a percentage of the replicas rounds UP for surge and DOWN for unavailable;
 *   - if both come out 0, unavailable becomes 1, or the rollout could never make progress.
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
 */
/** A count, or a percentage of the replicas such as "25%". */
export type IntOrPercent = number | string;

export interface RollingUpdateLimits {
  /** Pods the rollout may run above `replicas`. */
  maxSurge: number;
  /** Pods the rollout may have unavailable below `replicas`. */
  maxUnavailable: number;
}

export function resolveRollingUpdate(
  replicas: number,
  maxSurge: IntOrPercent = '25%',
  maxUnavailable: IntOrPercent = '25%',
): RollingUpdateLimits {
  const surge = scaledValue(maxSurge, replicas, Math.ceil);
  const unavailable = scaledValue(maxUnavailable, replicas, Math.floor);
  if (surge === 0 && unavailable === 0) return { maxSurge: 0, maxUnavailable: 1 };
  return { maxSurge: surge, maxUnavailable: unavailable };
}

function scaledValue(value: IntOrPercent, replicas: number, round: (n: number) => number): number {
  if (typeof value === 'number') {
    if (!Number.isInteger(value) || value < 0)
      throw new RangeError(`expected a whole number ≥ 0, got ${value}`);
    return value;
  }
  const match = /^(\d+)%$/.exec(value);
  if (!match) throw new RangeError(`expected a whole number or a percentage like "25%", got "${value}"`);
  // Integer arithmetic first, as Kubernetes does, so 3 × 25% is exactly 0.75 before rounding.
  return round((Number(match[1]) * replicas) / 100);
}
