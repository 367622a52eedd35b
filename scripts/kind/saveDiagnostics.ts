import fs from 'node:fs/promises';
import path from 'node:path';
import { POD_SELECTOR, type Kubectl } from './kubectl.js';

/**
 * When a rollout stalls, what a person needs to see why, saved beside the report: the namespace's
 * events (ErrImageNeverPull, failed probes, OOMKilled...), `kubectl describe pods` and every pod's logs.
 * Returns the folder.
 */
export async function saveDiagnostics(kubectl: Kubectl, outDir: string): Promise<string> {
  const folder = path.join(outDir, 'cluster');
  await fs.mkdir(folder, { recursive: true });
  const files: Array<[string, readonly string[]]> = [
    ['events.txt', ['get', 'events', '--sort-by=.lastTimestamp']],
    ['describe-pods.txt', ['describe', 'pods', '-l', POD_SELECTOR]],
    // With a selector, kubectl logs keeps only the last 10 lines per pod unless --tail says otherwise.
    [
      'logs.txt',
      ['logs', '-l', POD_SELECTOR, '--all-containers', '--prefix', '--tail=-1', '--max-log-requests=20'],
    ],
  ];
  for (const [file, args] of files) {
    await fs.writeFile(path.join(folder, file), await kubectl.read(args));
  }
  return folder;
}
