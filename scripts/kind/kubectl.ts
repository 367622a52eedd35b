import path from 'node:path';
import { stringify } from 'yaml';
import { renderKustomization } from '../manifests/renderKustomization.js';
import { setImages } from '../manifests/setImages.js';
import type { CommandRunner } from './commandRunner.js';
import { interruptedWhile } from './interruptedWhile.js';
import { firstLine, lastLine } from './textLines.js';

/** The Deployment and namespace the overlays create (k8s/base). */
export const DEPLOYMENT = 'hello';
export const NAMESPACE = 'default';
export const POD_SELECTOR = 'app=hello';

export interface Kubectl {
  /** `kubectl apply -k overlay`; with another image repository, the overlay rendered with it. */
  apply(overlay: string): Promise<void>;
  /**
   * `kubectl rollout status`: ok once rolled out, not ok when it stalled or timed out, or when a
   * Ctrl-C ended it (then `interrupted`: the rollout's outcome is unknown, not a stall).
   */
  rolloutStatus(timeoutSeconds: number): Promise<{ ok: boolean; message: string; interrupted: boolean }>;
  /** Deletes a pod at once, no grace (`--grace-period=0 --force`): chaos, as when its node dies. */
  deletePodNow(name: string): Promise<void>;
  /** Runs a read-only kubectl command (for diagnostics) and returns what it printed. */
  read(args: readonly string[]): Promise<string>;
}

/**
 * kubectl with the context and namespace on EVERY call, so the user's current context is never used
 * or changed, whatever `kubectl config use-context` says.
 */
export function createKubectl(
  run: CommandRunner,
  options: { context: string; repoRoot: string; image: string },
): Kubectl {
  const base = ['--context', options.context, '--namespace', NAMESPACE];
  return {
    async apply(overlay) {
      // Relative to the checkout (readable plans); a generated scenario overlay elsewhere stays absolute.
      const inside = path.relative(options.repoRoot, overlay);
      const relative = inside.startsWith('..') || path.isAbsolute(inside) ? overlay : inside || '.';
      const result =
        options.image === DEPLOYMENT
          ? await run.run('kubectl', [...base, 'apply', '-k', relative])
          : await run.run('kubectl', [...base, 'apply', '-f', '-'], {
              input: renderWithImage(overlay, options.image),
              inputLabel: `${relative} rendered with image ${options.image}`,
            });
      if (result.code !== 0) {
        throw new Error(
          `kubectl apply of ${relative} failed: ${firstLine(result.stderr) || `exit ${result.code}`}`,
        );
      }
    },
    async rolloutStatus(timeoutSeconds) {
      const { value: result, interrupted } = await interruptedWhile(() =>
        run.run(
          'kubectl',
          [...base, 'rollout', 'status', `deployment/${DEPLOYMENT}`, `--timeout=${timeoutSeconds}s`],
          { timeoutMs: (timeoutSeconds + 30) * 1000 },
        ),
      );
      if (interrupted && result.code !== 0) return { ok: false, message: 'interrupted', interrupted };
      const message =
        result.code === 0 ? lastLine(result.stdout) : firstLine(result.stderr) || `exit ${result.code}`;
      return { ok: result.code === 0, message, interrupted: false };
    },
    async deletePodNow(name) {
      const args = [...base, 'delete', 'pod', name, '--grace-period=0', '--force', '--wait=false'];
      const result = await run.run('kubectl', args);
      if (result.code !== 0) {
        throw new Error(
          `kubectl delete pod ${name} failed: ${firstLine(result.stderr) || `exit ${result.code}`}`,
        );
      }
    },
    async read(args) {
      const result = await run.run('kubectl', [...base, ...args], { timeoutMs: 60_000 });
      return result.code === 0 ? result.stdout : `${result.stdout}${result.stderr}(exit ${result.code})\n`;
    },
  };
}

/** The overlay as kustomize renders it (scripts/manifests), with `hello` images renamed to `image`. */
function renderWithImage(overlay: string, image: string): string {
  const objects = renderKustomization(overlay);
  setImages(objects, [{ name: DEPLOYMENT, newName: image }]);
  return objects.map((object) => stringify(object)).join('---\n');
}
