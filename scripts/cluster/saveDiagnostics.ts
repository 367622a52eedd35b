import fs from 'node:fs/promises';
import path from 'node:path';
import type { Kubectl } from './kubectl.js';

/**
 * When a rollout stalls, what a person needs to see why, saved beside the report: the namespace's
 * events (ErrImageNeverPull, failed probes, OOMKilled...), `kubectl describe pods` and every pod's logs.
 * Returns the folder.
 *
 * Logs are fetched pod by pod, current container and the one before its last restart (`--previous`):
 * a crash-looping v2 has its reason in the previous container's log, and `kubectl logs -l` stops at the
 * first pod whose container has not started ("is waiting to start"), hiding every pod after it. A pod
 * with nothing to show gets kubectl's own answer in its place.
 */
export async function saveDiagnostics(kubectl: Kubectl, outDir: string): Promise<string> {
  const folder = path.join(outDir, 'cluster');
  await fs.mkdir(folder, { recursive: true });
  const files: Array<[string, readonly string[]]> = [
    ['events.txt', ['get', 'events', '--sort-by=.lastTimestamp']],
    ['describe-pods.txt', ['describe', 'pods', '-l', kubectl.app.podSelector]],
  ];
  for (const [file, args] of files) {
    await fs.writeFile(path.join(folder, file), await kubectl.read(args));
  }
  await fs.writeFile(path.join(folder, 'logs.txt'), await podLogs(kubectl));
  return folder;
}

async function podLogs(kubectl: Kubectl): Promise<string> {
  let pods: string[];
  try {
    pods = await kubectl.podNames();
  } catch (error) {
    return `${(error as Error).message}\n`;
  }
  if (pods.length === 0) return `no pods match ${kubectl.app.podSelector}\n`;
  const sections: string[] = [];
  for (const pod of pods) {
    for (const [which, extra] of [
      ['current container', []],
      ['previous container (before its last restart)', ['--previous']],
    ] as const) {
      const text = await kubectl.read(['logs', pod, '--all-containers', '--prefix', ...extra]);
      sections.push(`==> ${pod}: ${which} <==\n${text || '(no output)\n'}`);
    }
  }
  return sections.join('\n');
}
