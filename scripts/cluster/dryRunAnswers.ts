import type { CommandResult } from './commandRunner.js';

/**
 * What the tools would plausibly answer, so a dry run walks the whole plan: no cluster exists yet
 * (so the plan shows its creation), the daemon answers and every rollout succeeds.
 */
export function dryRunAnswer(command: string, args: readonly string[]): CommandResult {
  const ok = (stdout = ''): CommandResult => ({ code: 0, stdout, stderr: '' });
  if (command === 'kind' && args[0] === 'version') return ok('kind v0.32.0 go1.26.0 linux/amd64\n');
  if (command === 'kind' && args[0] === 'get' && args[1] === 'clusters') {
    return { code: 0, stdout: '', stderr: 'No kind clusters found.\n' };
  }
  if (command === 'docker' && args[0] === 'info') return ok('27.0.0\n');
  if (command === 'kubectl' && args.includes('rollout')) {
    return ok('deployment "hello" successfully rolled out\n');
  }
  // kubectl.podContainer, for --chaos kill-pod: the node and container it would find.
  if (command === 'kubectl' && args.includes('get') && args.includes('pod')) {
    return ok('<node> containerd://<container>\n');
  }
  if (command === 'kubectl' && args.includes('apply')) return ok('deployment.apps/hello configured\n');
  return ok();
}
