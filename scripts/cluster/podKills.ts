import type { CommandRunner } from './commandRunner.js';
import type { Kubectl } from './kubectl.js';
import { firstLine } from './textLines.js';

/** What --chaos kill-pod did to a pod: when, and in words the report can repeat. */
export interface PodKillRecord {
  at: number;
  what: string;
}

/**
 * kind: a real SIGKILL, as when the kernel's OOM killer or a dying node ends a container. The node is a
 * container of this machine with crictl in it (kind's base image), so the pod's container is stopped
 * through the node's container runtime with no grace: containerd's CRI StopContainer sends the stop
 * signal and waits only when the timeout is above 0, else it sends SIGKILL at once. No preStop, no
 * SIGTERM; the pod object stays, the kubelet sees the container exit (137) and restarts it, and the
 * pod watch reports that as it happens.
 */
export async function killContainerInNode(
  run: CommandRunner,
  kubectl: Kubectl,
  pod: string,
): Promise<PodKillRecord> {
  const { node, containerId } = await kubectl.podContainer(pod);
  const at = Date.now();
  const stopped = await run.run('docker', ['exec', node, 'crictl', 'stop', '--timeout', '0', containerId], {
    timeoutMs: 60_000,
  });
  if (stopped.code !== 0) {
    throw new Error(
      `crictl stop of pod ${pod}'s container in node ${node} failed: ${firstLine(stopped.stderr) || `exit ${stopped.code}`}`,
    );
  }
  return {
    at,
    what:
      'container killed with SIGKILL in its node (crictl stop --timeout 0): no preStop, no SIGTERM; ' +
      'the kubelet restarts it (--chaos kill-pod)',
  };
}

/**
 * Any other cluster: no way into its nodes from here, so the pod is force-deleted, and the report says
 * what that is. Not a SIGKILL: the API object goes at once (the Deployment makes a replacement), but the
 * kubelet still runs preStop and sends SIGTERM, and SIGKILL comes no sooner than 2 s later (the
 * kubelet's minimum grace period).
 */
export async function forceDeletePod(kubectl: Kubectl, pod: string): Promise<PodKillRecord> {
  const at = Date.now();
  await kubectl.deletePodNow(pod);
  return {
    at,
    what:
      'force-deleted (kubectl delete --grace-period=0 --force), not a SIGKILL: the pod object goes at once, ' +
      'but the kubelet still runs preStop and sends SIGTERM, SIGKILL no sooner than 2 s later (--chaos kill-pod)',
  };
}
