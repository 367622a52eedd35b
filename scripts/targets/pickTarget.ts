import { dockerDaemonAnswers, findOnPath } from '../tools.js';

/** Where `--target auto` runs, and the one-line reason it gives. */
export interface TargetChoice {
  target: 'local' | 'kind';
  reason: string;
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
