import type { DeploymentEventKind } from '../model.js';
import { resolveRollingUpdate, type IntOrPercent } from '../manifests/rollingUpdate.js';

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

export function createDeploymentController(options: DeploymentControllerOptions): DeploymentController {
  const { pods, now, onEvent } = options;
  let spec = options.spec;
  let limits = resolveRollingUpdate(spec.replicas, spec.maxSurge, spec.maxUnavailable);
  let minAvailable = spec.replicas - limits.maxUnavailable;
  let target: string | null = null;
  let state: RolloutState = 'idle';
  let lastProgressAt = 0;
  let lastNewAvailable = 0;
  let lastReady = 0;

  const isAvailable = (pod: ControlledPod, at: number) =>
    !pod.terminating && pod.readySince !== null && at - pod.readySince >= spec.minReadySeconds * 1000;

  function progressed(at: number) {
    lastProgressAt = at;
  }

  /** One pass of the controller; returns true if it created or terminated a pod. */
  function reconcileOnce(revision: string, at: number): boolean {
    const active = pods.list().filter((pod) => !pod.terminating);
    const fresh = active.filter((pod) => pod.revision === revision);
    const old = active.filter((pod) => pod.revision !== revision);

    // 1. Scale up the new revision within the surge.
    const scaleUp = Math.min(spec.replicas + limits.maxSurge - active.length, spec.replicas - fresh.length);
    if (scaleUp > 0) {
      for (let i = 0; i < scaleUp; i++) pods.create(revision);
      progressed(at);
      return true;
    }
    if (fresh.length > spec.replicas) {
      for (const pod of rankForRemoval(fresh, at).slice(0, fresh.length - spec.replicas))
        pods.terminate(pod.name);
      progressed(at);
      return true;
    }
    if (old.length === 0) return false;

    // 2. Scale old pods down while enough stay available.
    const newUnavailable = fresh.filter((pod) => !isAvailable(pod, at)).length;
    const maxScaledDown = active.length - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    // Old pods that are not available cost nothing to remove (cleanupUnhealthyReplicas).
    const unhealthyOld = rankForRemoval(
      old.filter((pod) => !isAvailable(pod, at)),
      at,
    ).slice(0, maxScaledDown);
    // Then available old pods, down to minAvailable available pods in all.
    const availableCount = active.filter((pod) => isAvailable(pod, at)).length;
    const healthyOld = rankForRemoval(
      old.filter((pod) => isAvailable(pod, at)),
      at,
    ).slice(0, Math.max(0, availableCount - minAvailable));
    const doomed = [...unhealthyOld, ...healthyOld];
    for (const pod of doomed) pods.terminate(pod.name);
    if (doomed.length > 0) progressed(at);
    return doomed.length > 0;
  }

  function sync(): void {
    if (target === null) return;
    const at = now();
    // Kubernetes re-syncs after each scaling step; loop until nothing changes (bounded: each pass
    // creates or terminates at least one pod, and there are at most replicas + surge of them).
    for (let pass = 0; pass < 4 * (spec.replicas + limits.maxSurge) + 4; pass++) {
      if (!reconcileOnce(target, at)) break;
    }

    const active = pods.list().filter((pod) => !pod.terminating);
    const fresh = active.filter((pod) => pod.revision === target);
    const newAvailable = fresh.filter((pod) => isAvailable(pod, at)).length;
    // More ready pods is progress too (DeploymentProgressing in deployment_util.go): with a long
    // minReadySeconds, a pod that turned ready but is not available yet still resets the deadline.
    const ready = active.filter((pod) => pod.readySince !== null).length;
    if (newAvailable > lastNewAvailable || ready > lastReady) progressed(at);
    lastNewAvailable = newAvailable;
    lastReady = ready;

    const complete =
      fresh.length === spec.replicas && newAvailable === spec.replicas && active.length === spec.replicas;
    if (complete && state !== 'complete') {
      state = 'complete';
      onEvent('rollout-complete', `${spec.replicas} of ${spec.replicas} pods of ${target} available`);
    } else if (state === 'progressing' && at - lastProgressAt > spec.progressDeadlineSeconds * 1000) {
      state = 'stalled';
      onEvent(
        'rollout-stalled',
        `no progress for ${spec.progressDeadlineSeconds} s (progressDeadlineSeconds): ` +
          `${newAvailable} of ${spec.replicas} pods of ${target} available`,
      );
    }
  }

  return {
    rollTo(revision, newSpec) {
      if (newSpec) {
        spec = newSpec;
        limits = resolveRollingUpdate(spec.replicas, spec.maxSurge, spec.maxUnavailable);
        minAvailable = spec.replicas - limits.maxUnavailable;
      }
      target = revision;
      state = 'progressing';
      lastNewAvailable = 0;
      lastReady = 0;
      progressed(now());
      const limitsText = `maxSurge ${limits.maxSurge}, maxUnavailable ${limits.maxUnavailable}`;
      onEvent('rollout-started', `to ${revision}: ${spec.replicas} replicas, ${limitsText}`);
      sync();
    },
    sync,
    get state() {
      return state;
    },
    get revision() {
      return target;
    },
  };
}

/**
 * The order in which a ReplicaSet picks pods to delete (controller.ActivePods): not-ready before ready,
 * ready for a shorter time before longer, newer before older.
 */
function rankForRemoval(candidates: ControlledPod[], _at: number): ControlledPod[] {
  return [...candidates].sort((a, b) => {
    if ((a.readySince === null) !== (b.readySince === null)) return a.readySince === null ? -1 : 1;
    if (a.readySince !== null && b.readySince !== null && a.readySince !== b.readySince)
      return b.readySince - a.readySince;
    return b.createdAt - a.createdAt;
  });
}
