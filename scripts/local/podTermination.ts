import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import type { PreStop } from '../manifests/deploymentSettings.js';
import type { ContainerProcess } from './podProcess.js';

/**
 * How the kubelet stops a container: run preStop, then SIGTERM, and SIGKILL when
 * terminationGracePeriodSeconds runs out. The grace period counts from the moment the pod is marked
 * terminating and INCLUDES preStop. If preStop is still running when it runs out, the kubelet grants a
 * one-off 2 s extension, then SIGTERM, then SIGKILL.
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

  const preStopDone = runPreStop(preStop, options.env, onStep);
  const exitedDuringPreStop = await Promise.race([
    preStopDone.then(() => false),
    container.exited.then(() => true),
    sleep(remaining()).then(() => false),
  ]);
  if (!exitedDuringPreStop && !container.hasExited) {
    let killAfterMs = remaining();
    if (killAfterMs === 0 && !(await isSettled(preStopDone))) {
      onStep(
        `preStop still running at the grace deadline: one-off ${PRESTOP_EXTENSION_MS / 1000} s extension`,
      );
      killAfterMs = PRESTOP_EXTENSION_MS;
    }
    onStep('SIGTERM');
    container.signal('SIGTERM');
    const exitedInTime = await Promise.race([
      container.exited.then(() => true),
      sleep(killAfterMs).then(() => false),
    ]);
    if (!exitedInTime) {
      onStep('SIGKILL: the grace period ran out');
      killed = true;
      container.signal('SIGKILL');
    }
  }
  const { code, signal } = await container.exited;
  return { code, signal, killed };
}

async function runPreStop(preStop: PreStop, env: Record<string, string>, onStep: (s: string) => void) {
  if (preStop.type === 'none') return;
  if (preStop.type === 'sleep') {
    onStep(`preStop: sleep ${preStop.seconds} s`);
    await sleep(preStop.seconds * 1000);
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

async function isSettled(promise: Promise<unknown>): Promise<boolean> {
  const pending = Symbol('pending');
  return (await Promise.race([promise.then(() => true), Promise.resolve(pending)])) !== pending;
}
