import type { DeploymentEventKind } from '../../model.js';
import { resolveRollingUpdate, type IntOrPercent } from '../../manifests/rollingUpdate.js';

/**
 * The Deployment controller's rolling update, as pkg/controller/deployment/rolling.go does it:
 *   1. scale the new revision up, as far as `replicas + maxSurge` pods in all allow;
 *   2. take old pods away (unhealthy ones first), only while `replicas - maxUnavailable` pods stay available;
 *   3. repeat on every change until all `replicas` pods run the new revision and are available.
 * Terminating pods are not counted. A pod is available once it has been ready for minReadySeconds.
 * With no progress for progressDeadlineSeconds, the rollout is "stalled" (it keeps trying, as in Kubernetes).
 * https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#rolling-update-deployment
 */

export interface DeploymentSpec {
  replicas: number;
  maxSurge?: IntOrPercent;
  maxUnavailable?: IntOrPercent;
  minReadySeconds: number;
  progressDeadlineSeconds: number;
}

/** What the controller needs to know of a pod. */
export interface ControlledPod {
  name: string;
  /** The pod template it runs (one per overlay). */
  revision: string;
  createdAt: number;
  /** When it last became ready, or null while not ready. */
  readySince: number | null;
  terminating: boolean;
}

/** How the controller acts on pods: the local cluster in real runs, fakes in tests. */
export interface PodControl {
  /** Every pod that has not exited, terminating ones included. */
  list(): readonly ControlledPod[];
  create(revision: string): void;
  terminate(name: string): void;
}

export type RolloutState = 'idle' | 'progressing' | 'complete' | 'stalled';

export interface DeploymentController {
  /**
   * Starts rolling the Deployment to `revision` (the first call deploys from zero pods), with the
   * Deployment's spec as applied along with it (replicas and strategy may change too).
   */
  rollTo(revision: string, spec?: DeploymentSpec): void;
  /** Reconciles once; call on every pod change and on a short timer (minReadySeconds, deadlines). */
  sync(): void;
  readonly state: RolloutState;
  readonly revision: string | null;
}

export interface DeploymentControllerOptions {
  spec: DeploymentSpec;
  pods: PodControl;
  now: () => number;
  onEvent: (kind: DeploymentEventKind, detail: string) => void;
}

/** What the controller's passes share: the spec as last applied and the rollout's progress. */
interface Controller {
  readonly options: DeploymentControllerOptions;
  spec: DeploymentSpec;
  limits: ReturnType<typeof resolveRollingUpdate>;
  minAvailable: number;
  target: string | null;
  state: RolloutState;
  lastProgressAt: number;
  lastNewAvailable: number;
  lastReady: number;
}

export function createDeploymentController(options: DeploymentControllerOptions): DeploymentController {
  const ctl: Controller = {
    options,
    spec: options.spec,
    limits: resolveRollingUpdate(options.spec.replicas, options.spec.maxSurge, options.spec.maxUnavailable),
    minAvailable: 0,
    target: null,
    state: 'idle',
    lastProgressAt: 0,
    lastNewAvailable: 0,
    lastReady: 0,
  };
  ctl.minAvailable = ctl.spec.replicas - ctl.limits.maxUnavailable;
  return {
    rollTo(revision, newSpec) {
      if (newSpec) {
        ctl.spec = newSpec;
        ctl.limits = resolveRollingUpdate(newSpec.replicas, newSpec.maxSurge, newSpec.maxUnavailable);
        ctl.minAvailable = newSpec.replicas - ctl.limits.maxUnavailable;
      }
      ctl.target = revision;
      ctl.state = 'progressing';
      ctl.lastNewAvailable = 0;
      ctl.lastReady = 0;
      ctl.lastProgressAt = options.now();
      const { limits, spec } = ctl;
      const limitsText = `maxSurge ${limits.maxSurge}, maxUnavailable ${limits.maxUnavailable}`;
      options.onEvent('rollout-started', `to ${revision}: ${spec.replicas} replicas, ${limitsText}`);
      sync(ctl);
    },
    sync: () => sync(ctl),
    get state() {
      return ctl.state;
    },
    get revision() {
      return ctl.target;
    },
  };
}

function isAvailable(ctl: Controller, pod: ControlledPod, at: number): boolean {
  return (
    !pod.terminating && pod.readySince !== null && at - pod.readySince >= ctl.spec.minReadySeconds * 1000
  );
}

/** One pass of the controller; returns true if it created or terminated a pod. */
function reconcileOnce(ctl: Controller, revision: string, at: number): boolean {
  const { pods } = ctl.options;
  const { spec, limits } = ctl;
  const active = pods.list().filter((pod) => !pod.terminating);
  const fresh = active.filter((pod) => pod.revision === revision);
  const old = active.filter((pod) => pod.revision !== revision);

  // 1. Scale up the new revision within the surge.
  const scaleUp = Math.min(spec.replicas + limits.maxSurge - active.length, spec.replicas - fresh.length);
  if (scaleUp > 0) {
    for (let i = 0; i < scaleUp; i++) pods.create(revision);
    ctl.lastProgressAt = at;
    return true;
  }
  if (fresh.length > spec.replicas) {
    for (const pod of rankForRemoval(fresh).slice(0, fresh.length - spec.replicas)) pods.terminate(pod.name);
    ctl.lastProgressAt = at;
    return true;
  }
  if (old.length === 0) return false;

  // 2. Scale old pods down while enough stay available.
  const doomed = oldPodsToRemove(ctl, active, fresh, old, at);
  for (const pod of doomed) pods.terminate(pod.name);
  if (doomed.length > 0) ctl.lastProgressAt = at;
  return doomed.length > 0;
}

function oldPodsToRemove(
  ctl: Controller,
  active: ControlledPod[],
  fresh: ControlledPod[],
  old: ControlledPod[],
  at: number,
): ControlledPod[] {
  const available = (pod: ControlledPod) => isAvailable(ctl, pod, at);
  const newUnavailable = fresh.filter((pod) => !available(pod)).length;
  const maxScaledDown = active.length - ctl.minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return [];
  // Old pods that are not available cost nothing to remove (cleanupUnhealthyReplicas).
  const unhealthyOld = rankForRemoval(old.filter((pod) => !available(pod))).slice(0, maxScaledDown);
  // Then available old pods, down to minAvailable available pods in all.
  const availableCount = active.filter(available).length;
  const healthyOld = rankForRemoval(old.filter(available)).slice(
    0,
    Math.max(0, availableCount - ctl.minAvailable),
  );
  return [...unhealthyOld, ...healthyOld];
}

function sync(ctl: Controller): void {
  const { target, spec } = ctl;
  if (target === null) return;
  const at = ctl.options.now();
  // Kubernetes re-syncs after each scaling step; loop until nothing changes (bounded: each pass
  // creates or terminates at least one pod, and there are at most replicas + surge of them).
  for (let pass = 0; pass < 4 * (spec.replicas + ctl.limits.maxSurge) + 4; pass++) {
    if (!reconcileOnce(ctl, target, at)) break;
  }

  const active = ctl.options.pods.list().filter((pod) => !pod.terminating);
  const fresh = active.filter((pod) => pod.revision === target);
  const newAvailable = fresh.filter((pod) => isAvailable(ctl, pod, at)).length;
  // More ready pods is progress too (DeploymentProgressing in deployment_util.go): with a long
  // minReadySeconds, a pod that turned ready but is not available yet still resets the deadline.
  const ready = active.filter((pod) => pod.readySince !== null).length;
  if (newAvailable > ctl.lastNewAvailable || ready > ctl.lastReady) ctl.lastProgressAt = at;
  ctl.lastNewAvailable = newAvailable;
  ctl.lastReady = ready;

  const complete =
    fresh.length === spec.replicas && newAvailable === spec.replicas && active.length === spec.replicas;
  reportState(ctl, target, complete, newAvailable, at);
}

function reportState(ctl: Controller, target: string, complete: boolean, newAvailable: number, at: number) {
  const { spec, options } = ctl;
  if (complete && ctl.state !== 'complete') {
    ctl.state = 'complete';
    options.onEvent('rollout-complete', `${spec.replicas} of ${spec.replicas} pods of ${target} available`);
  } else if (ctl.state === 'progressing' && at - ctl.lastProgressAt > spec.progressDeadlineSeconds * 1000) {
    ctl.state = 'stalled';
    options.onEvent(
      'rollout-stalled',
      `no progress for ${spec.progressDeadlineSeconds} s (progressDeadlineSeconds): ` +
        `${newAvailable} of ${spec.replicas} pods of ${target} available`,
    );
  }
}

/**
 * The order in which a ReplicaSet picks pods to delete (controller.ActivePods): not-ready before ready,
 * ready for a shorter time before longer, newer before older.
 */
function rankForRemoval(candidates: ControlledPod[]): ControlledPod[] {
  return [...candidates].sort((a, b) => {
    if ((a.readySince === null) !== (b.readySince === null)) return a.readySince === null ? -1 : 1;
    if (a.readySince !== null && b.readySince !== null && a.readySince !== b.readySince)
      return b.readySince - a.readySince;
    return b.createdAt - a.createdAt;
  });
}
