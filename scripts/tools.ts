import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Where the project keeps what it builds outside the clone (the cluster's binaries, kind, vegeta), so a fresh
 * clone finds it: ZDR_CACHE_DIR, else ~/.cache/zero-downtime-rollout (cluster/scripts/lib.sh reads the same).
 */
export function projectCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.ZDR_CACHE_DIR || path.join(os.homedir(), '.cache', 'zero-downtime-rollout');
}

/** The first executable called `name` on PATH, or null. */
export function findOnPath(name: string, envPath: string = process.env.PATH ?? ''): string | null {
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

/** True when `docker info` answers within the timeout (the daemon is up and we may talk to it). */
export function dockerDaemonAnswers(timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: timeoutMs }, (error) =>
      resolve(!error),
    );
  });
}
