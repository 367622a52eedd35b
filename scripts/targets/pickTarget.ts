import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/** Where `--target auto` runs, and the one-line reason it gives. */
export interface TargetChoice {
  target: 'local' | 'kind';
  reason: string;
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

/** kind when docker, kind and kubectl are all there and the Docker daemon answers; else local. */
export async function pickTarget(): Promise<TargetChoice> {
  const missing = ['docker', 'kind', 'kubectl'].filter((tool) => findOnPath(tool) === null);
  if (missing.length > 0) {
    return { target: 'local', reason: `${missing.join(', ')} not found on PATH` };
  }
  if (!(await dockerDaemonAnswers())) {
    return {
      target: 'local',
      reason: 'docker, kind and kubectl are installed but the Docker daemon does not answer',
    };
  }
  return { target: 'kind', reason: 'docker, kind and kubectl are installed and the Docker daemon answers' };
}
