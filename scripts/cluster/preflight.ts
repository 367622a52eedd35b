import { MissingPrerequisite } from '../errors.js';
import { findOnPath } from '../tools.js';
import type { CommandRunner } from './commandRunner.js';
import { firstLine } from './textLines.js';

const WHERE_TO_GET: Record<string, string> = {
  docker: 'install it from https://docs.docker.com/get-docker/',
  kind: 'install it from https://kind.sigs.k8s.io/docs/user/quick-start/#installation',
  kubectl: 'install it from https://kubernetes.io/docs/tasks/tools/',
};

/** What preflight learnt on the way. */
export interface PreflightFacts {
  /** The Docker daemon's version (`docker info`'s ServerVersion), when docker is among the tools. */
  dockerVersion: string | null;
}

/**
 * Checks, in order, that each tool is on PATH and (when docker is among them) that the Docker daemon
 * answers. A dry run skips the PATH check (it runs nothing) but still shows `docker info` in the plan.
 */
export async function preflight(run: CommandRunner, tools: readonly string[]): Promise<PreflightFacts> {
  if (!run.dryRun) {
    for (const tool of tools) {
      if (findOnPath(tool) === null) {
        throw new MissingPrerequisite(`${tool} not found on PATH: ${WHERE_TO_GET[tool] ?? 'install it'}`);
      }
    }
  }
  if (!tools.includes('docker')) return { dockerVersion: null };
  const info = await run.run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeoutMs: 20_000 });
  if (info.code !== 0) {
    const why = firstLine(info.stderr) || `exit ${info.code}`;
    throw new MissingPrerequisite(
      `the Docker daemon does not answer (docker info: ${why}): start Docker and try again`,
    );
  }
  return { dockerVersion: info.stdout.trim() || null };
}
