import path from 'node:path';
import { stringify } from 'yaml';
import { renderKustomization } from '../manifests/renderKustomization.js';
import { setImages } from '../manifests/setImages.js';
import type { AppUnderTest } from '../app/appUnderTest.js';
import type { CommandOptions, CommandRunner } from './commandRunner.js';
import { interruptedWhile } from './interruptedWhile.js';
import { firstLine, lastLine } from './textLines.js';

/** The longest a pod's log is followed: longer than any run, and still a bound. */
const FOLLOW_MS = 60 * 60_000;

export interface Kubectl {
  /** `kubectl apply -k overlay`; with another image repository, the overlay rendered with it. */
  apply(overlay: string): Promise<void>;
  /** `kubectl delete -k overlay --wait`: what the overlay applied, gone (nothing when it is already). */
  deleteApplied(overlay: string): Promise<void>;
  /**
   * `kubectl rollout status`: ok once rolled out, not ok when it stalled or timed out, or when a
   * Ctrl-C ended it (then `interrupted`: the rollout's outcome is unknown, not a stall).
   */
  rolloutStatus(timeoutSeconds: number): Promise<{ ok: boolean; message: string; interrupted: boolean }>;
  /**
   * `delete pod --grace-period=0 --force`: the API object goes at once, but the kubelet still stops the
   * container with preStop and SIGTERM (scripts/cluster/podKills.ts says what that means for chaos).
   */
  deletePodNow(name: string): Promise<void>;
  /**
   * `delete deployment --cascade=foreground --wait`: the Deployment left by an earlier run, and its pods,
   * gone before this run deploys its first version (nothing when there is none).
   */
  deleteDeployment(): Promise<void>;
  /** Where a pod's container runs: its node, and the container's runtime id (without `containerd://`). */
  podContainer(name: string): Promise<{ node: string; containerId: string }>;
  /** The app whose Deployment, pods and Service these commands name. */
  readonly app: AppUnderTest;
  /** The names of the Deployment's pods (`pod/hello-...`), as `kubectl get -o name` prints them. */
  podNames(): Promise<string[]>;
  /**
   * `kubectl logs -f POD`: the running container's log from its start until the container exits (the
   * stream ends with it) or `signal` stops the follow; `ok` false with `error` when kubectl failed.
   */
  followLog(pod: string, signal: AbortSignal): Promise<{ text: string; ok: boolean; error: string }>;
  /** `kubectl logs POD`: the current container's log so far. */
  podLog(pod: string): Promise<string>;
  /** Runs a read-only kubectl command (for diagnostics) and returns what it printed. */
  read(args: readonly string[]): Promise<string>;
}

/**
 * kubectl with the context and namespace on EVERY call, so the user's current context is never used
 * or changed, whatever `kubectl config use-context` says.
 */
export function createKubectl(
  run: CommandRunner,
  options: {
    context: string;
    repoRoot: string;
    /** The sample's image repository (`hello` applies the overlay as it is); null: as it is. */
    image: string | null;
    app: AppUnderTest;
  },
): Kubectl {
  const { app } = options;
  const base = ['--context', options.context, '--namespace', app.namespace];
  /** Runs kubectl; a non-zero exit throws "<what> failed: <its first line of stderr>". */
  const kubectl = async (what: string, args: readonly string[], more?: CommandOptions): Promise<string> => {
    const result = await run.run('kubectl', [...base, ...args], more);
    if (result.code !== 0)
      throw new Error(`${what} failed: ${firstLine(result.stderr) || `exit ${result.code}`}`);
    return result.stdout;
  };
  return {
    app,
    apply: (overlay) => applyOverlay(kubectl, options, overlay),
    async deleteApplied(overlay) {
      const args = ['delete', '-k', overlay, '--ignore-not-found', '--wait=true', '--timeout=120s'];
      await kubectl(`kubectl delete of what ${overlay} applied`, args, { timeoutMs: 150_000 });
    },
    rolloutStatus: (timeoutSeconds) => rolloutStatus(run, base, app.deployment, timeoutSeconds),
    async deletePodNow(name) {
      await kubectl(`kubectl delete pod ${name}`, [
        'delete',
        'pod',
        name,
        '--grace-period=0',
        '--force',
        '--wait=false',
      ]);
    },
    async deleteDeployment() {
      const args = ['delete', 'deployment', app.deployment, '--ignore-not-found', '--cascade=foreground'];
      await kubectl(
        `kubectl delete deployment ${app.deployment}`,
        [...args, '--wait=true', '--timeout=120s'],
        {
          timeoutMs: 150_000,
        },
      );
    },
    podContainer: (name) => podContainer(run, base, app.container, name),
    podNames: () => podNames(kubectl, app.podSelector),
    followLog: (pod, signal) => followLog(run, base, pod, signal),
    podLog: (pod) => kubectl(`kubectl logs ${pod}`, ['logs', pod], { timeoutMs: 60_000 }),
    async read(args) {
      const result = await run.run('kubectl', [...base, ...args], { timeoutMs: 60_000 });
      return result.code === 0 ? result.stdout : `${result.stdout}${result.stderr}(exit ${result.code})\n`;
    },
  };
}

async function podNames(kubectl: KubectlCall, selector: string): Promise<string[]> {
  const stdout = await kubectl('kubectl get pods', ['get', 'pods', '-l', selector, '-o', 'name'], {
    timeoutMs: 60_000,
  });
  return stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

type KubectlCall = (what: string, args: readonly string[], more?: CommandOptions) => Promise<string>;

async function applyOverlay(
  kubectl: KubectlCall,
  options: { repoRoot: string; image: string | null; app: AppUnderTest },
  overlay: string,
): Promise<void> {
  // Relative to the checkout (readable plans); a generated scenario overlay elsewhere stays absolute.
  const inside = path.relative(options.repoRoot, overlay);
  const relative = inside.startsWith('..') || path.isAbsolute(inside) ? overlay : inside || '.';
  const { image, app } = options;
  if (image === null || image === app.deployment)
    await kubectl(`kubectl apply of ${relative}`, ['apply', '-k', relative]);
  else
    await kubectl(`kubectl apply of ${relative}`, ['apply', '-f', '-'], {
      input: renderWithImage(overlay, app.deployment, image),
      inputLabel: `${relative} rendered with image ${image}`,
    });
}

async function rolloutStatus(
  run: CommandRunner,
  base: readonly string[],
  deployment: string,
  timeoutSeconds: number,
): ReturnType<Kubectl['rolloutStatus']> {
  const { value: result, interrupted } = await interruptedWhile(() =>
    run.run(
      'kubectl',
      [...base, 'rollout', 'status', `deployment/${deployment}`, `--timeout=${timeoutSeconds}s`],
      { timeoutMs: (timeoutSeconds + 30) * 1000 },
    ),
  );
  if (interrupted && result.code !== 0) return { ok: false, message: 'interrupted', interrupted };
  const message =
    result.code === 0 ? lastLine(result.stdout) : firstLine(result.stderr) || `exit ${result.code}`;
  return { ok: result.code === 0, message, interrupted: false };
}

async function followLog(
  run: CommandRunner,
  base: readonly string[],
  pod: string,
  signal: AbortSignal,
): ReturnType<Kubectl['followLog']> {
  const result = await run.run('kubectl', [...base, 'logs', '-f', pod], { signal, timeoutMs: FOLLOW_MS });
  const ok = result.code === 0 || signal.aborted;
  return { text: result.stdout, ok, error: ok ? '' : firstLine(result.stderr) || `exit ${result.code}` };
}

async function podContainer(
  run: CommandRunner,
  base: readonly string[],
  container: string,
  name: string,
): ReturnType<Kubectl['podContainer']> {
  const jsonpath = `{.spec.nodeName} {.status.containerStatuses[?(@.name=="${container}")].containerID}`;
  const result = await run.run('kubectl', [...base, 'get', 'pod', name, '-o', `jsonpath=${jsonpath}`], {
    timeoutMs: 30_000,
  });
  const [node, id] = result.stdout.trim().split(/\s+/);
  const containerId = id?.replace(/^\w+:\/\//, '');
  if (result.code !== 0 || !node || !containerId) {
    const why =
      firstLine(result.stderr) || (result.code === 0 ? 'no running container' : `exit ${result.code}`);
    throw new Error(`could not find the container of pod ${name}: ${why}`);
  }
  return { node, containerId };
}

/** The overlay as kustomize renders it (scripts/manifests), with `name` images renamed to `image`. */
function renderWithImage(overlay: string, name: string, image: string): string {
  const objects = renderKustomization(overlay);
  setImages(objects, [{ name, newName: image }]);
  return objects.map((object) => stringify(object)).join('---\n');
}
