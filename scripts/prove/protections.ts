import type { KubeObject } from '../manifests/kubeObject.js';
import type { JsonPatchOp } from '../manifests/jsonPatch.js';

/**
 * The protections a Deployment can have against dropping requests in a rolling update, each with the patch
 * that takes only it away: what `prove --controls` rolls out once per protection the app has, to show what
 * that one is worth (how many requests fail without it).
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 */
export interface Protection {
  id: 'readiness-probe' | 'prestop' | 'grace-period' | 'surge-only' | 'min-ready-seconds';
  /** "without preStop": how the control's row is named. */
  without: string;
  /** Whether the Deployment has it. */
  has(deployment: KubeObject): boolean;
  /** JSON Patch ops on the Deployment that remove it (and nothing else). */
  removal(deployment: KubeObject): JsonPatchOp[];
}

/** The parts of a Deployment the protections read. */
interface DeploymentShape {
  spec?: {
    minReadySeconds?: number;
    strategy?: {
      type?: string;
      rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string };
    };
    template?: {
      spec?: {
        terminationGracePeriodSeconds?: number;
        containers?: Array<{
          readinessProbe?: unknown;
          startupProbe?: unknown;
          lifecycle?: { preStop?: unknown };
        }>;
      };
    };
  };
}

const CONTAINER = '/spec/template/spec/containers/0';
/**
 * The grace period of the grace-period control: what is left after a preStop sleep is 1 s, too short for
 * any drain, as a grace period set without the arithmetic is. No shorter: the API server refuses a sleep
 * action that is not less than the grace period.
 * https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/#hook-handler-implementations
 */
export function cutGraceSeconds(deployment: KubeObject): number {
  const sleep = (container(deployment)?.lifecycle?.preStop as { sleep?: { seconds?: number } } | undefined)
    ?.sleep;
  return (sleep?.seconds ?? 0) + 1;
}

const spec = (d: KubeObject) => (d as DeploymentShape).spec;
const container = (d: KubeObject) => spec(d)?.template?.spec?.containers?.[0];

export const PROTECTIONS: readonly Protection[] = [
  {
    id: 'readiness-probe',
    without: 'without the readiness probe',
    has: (d) => container(d)?.readinessProbe !== undefined,
    // A startup probe also holds a pod out of the endpoints until it passes: both go, or the pod stays gated.
    removal: (d) => [
      { op: 'remove', path: `${CONTAINER}/readinessProbe` },
      ...(container(d)?.startupProbe !== undefined
        ? [{ op: 'remove' as const, path: `${CONTAINER}/startupProbe` }]
        : []),
    ],
  },
  {
    id: 'prestop',
    without: 'without preStop',
    has: (d) => container(d)?.lifecycle?.preStop !== undefined,
    removal: () => [{ op: 'remove', path: `${CONTAINER}/lifecycle/preStop` }],
  },
  {
    id: 'grace-period',
    without: 'with the grace period cut to 1 s after preStop',
    has: (d) => (spec(d)?.template?.spec?.terminationGracePeriodSeconds ?? 30) > cutGraceSeconds(d),
    removal: (d) => [
      { op: 'add', path: '/spec/template/spec/terminationGracePeriodSeconds', value: cutGraceSeconds(d) },
    ],
  },
  {
    id: 'surge-only',
    without: 'with maxUnavailable 1, maxSurge 0 (capacity lowered during the rollout)',
    has: (d) =>
      (spec(d)?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
      isZero(spec(d)?.strategy?.rollingUpdate?.maxUnavailable),
    removal: () => [
      {
        op: 'add',
        path: '/spec/strategy',
        value: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } },
      },
    ],
  },
  {
    id: 'min-ready-seconds',
    without: 'without minReadySeconds',
    has: (d) => (spec(d)?.minReadySeconds ?? 0) > 0,
    removal: () => [{ op: 'remove', path: '/spec/minReadySeconds' }],
  },
];

/** The protections this Deployment has, in the table's order. */
export function protectionsOf(deployment: KubeObject): Protection[] {
  return PROTECTIONS.filter((protection) => protection.has(deployment));
}

// maxUnavailable's default is 25 %, which rounds down: 0 for fewer than 4 replicas, but not "surge-only".
function isZero(value: number | string | undefined): boolean {
  return value === 0 || value === '0' || value === '0%';
}
