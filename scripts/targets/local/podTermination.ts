import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PreStop } from '../../manifests/containerSettings.js';
import type { ContainerProcess } from './podProcess.js';

/**
 * How the kubelet stops a container: run preStop, then SIGTERM, and SIGKILL when
 * terminationGracePeriodSeconds runs out. The grace period counts from the moment the pod is marked
 * terminating and INCLUDES preStop. If preStop is still running when it runs out, the kubelet grants a
 * one-off 2 s extension, then SIGTERM, then SIGKILL; in general SIGTERM always gets at least 2 s.
 * https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 *
 * (Removing the pod from the Service's endpoints starts at the same moment; that is the caller's part.)
 */
export interface TerminationOptions {
  container: ContainerProcess;
  preStop: PreStop;
  gracePeriodSeconds: number;
  /** The container's environment, for an exec preStop. */
  env: Record<string, string>;
  /** Told each step as it happens: 'preStop sleep 2 s', 'SIGTERM', 'SIGKILL at the grace deadline'. */
  onStep?: (step: string) => void;
}

export interface TerminationResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** True when the grace period ran out and the container was killed. */
  killed: boolean;
}

const PRESTOP_EXTENSION_MS = 2000;

export async function terminateContainer(options: TerminationOptions): Promise<TerminationResult> {
  const { container, preStop, gracePeriodSeconds, onStep = () => {} } = options;
  const deadline = performance.now() + gracePeriodSeconds * 1000;
  const remaining = () => Math.max(0, deadline - performance.now());
  let killed = false;
  // Timers still pending once the container is gone (the deadline, a preStop sleep) are cancelled, so
  // they don't hold the process open for the rest of the grace period.
  const timers = new AbortController();
  const wait = (ms: number) => sleep(ms, undefined, { signal: timers.signal }).catch(() => {});

  let preStopFinished = false;
  const preStopDone = runPreStop(preStop, options.env, onStep, wait).then(() => {
    preStopFinished = true;
  });
  const exitedDuringPreStop = await Promise.race([
    preStopDone.then(() => false),
    container.exited.then(() => true),
    wait(remaining()).then(() => false),
  ]);
  if (!exitedDuringPreStop && !container.hasExited) {
    if (!preStopFinished) {
      onStep(
        `preStop still running at the grace deadline: one-off ${PRESTOP_EXTENSION_MS / 1000} s extension`,
      );
    }
    // The kubelet always leaves SIGTERM at least 2 s before SIGKILL ("always give containers a minimal
    // shutdown window", minimumGracePeriodInSeconds in pkg/kubelet/kuberuntime/kuberuntime_container.go):
    // the extension above, and also a preStop that ends just before the deadline. (Comparing remaining()
    // with 0 instead would miss it whenever the deadline timer fires a fraction of a millisecond early.)
    const killAfterMs = Math.max(remaining(), PRESTOP_EXTENSION_MS);
    onStep('SIGTERM');
    container.signal('SIGTERM');
    const exitedInTime = await Promise.race([
      container.exited.then(() => true),
      wait(killAfterMs).then(() => false),
    ]);
    if (!exitedInTime) {
      onStep('SIGKILL: the grace period ran out');
      killed = true;
      container.signal('SIGKILL');
    }
  }
  const { code, signal } = await container.exited;
  timers.abort();
  return { code, signal, killed };
}

async function runPreStop(
  preStop: PreStop,
  env: Record<string, string>,
  onStep: (s: string) => void,
  wait: (ms: number) => Promise<void>,
) {
  if (preStop.type === 'none') return;
  if (preStop.type === 'sleep') {
    onStep(`preStop: sleep ${preStop.seconds} s`);
    await wait(preStop.seconds * 1000);
    return;
  }
  // exec: the command runs "in the container"; locally, a process with the container's environment.
  onStep(`preStop: exec ${preStop.command.join(' ')}`);
  const [file, ...args] = preStop.command;
  if (!file) return;
  await new Promise<void>((resolve) => {
    const child = spawn(file, args, {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env },
      stdio: 'ignore',
    });
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
}
