import { shortName, type RolloutStep } from './rolloutSteps.js';

/** A run's step line: what just happened (null: nothing worth a line). */
export function runStepLine(step: RolloutStep): string | null {
  switch (step.kind) {
    case 'up':
      return `cluster up: the Service answers on ${step.baseUrl}`;
    case 'deployed':
      return `v1 ready: ${step.ready} pods`;
    case 'load-started':
      return step.generator === 'none'
        ? `no load of our own (--load none): point your load tool at ${step.baseUrl} now`
        : `load started: ${step.rate} requests/s, keep-alive ${step.keepAlive ? 'on' : 'off'}`;
    case 'killed':
      return `chaos: ${step.kill.pod} ${step.kill.what}`;
    case 'rollout-started':
      return `rollout started: ${shortName(step.from)} → ${shortName(step.to)}`;
    case 'rollout-ended':
      return step.outcome === 'complete' ? 'rollout complete' : `rollout ${step.outcome}`;
    case 'rollback-started':
      return `rolling back to ${shortName(step.to)} (--on-fail rollback)`;
    case 'rollback-ended':
      return `rollback ${step.outcome}`;
    case 'settled':
      return 'nothing is terminating';
    case 'load-stopped':
      return step.sent === null ? null : `load stopped: ${step.sent} requests sent`;
    case 'wait':
    case 'killing':
      return null;
  }
}

/**
 * A plan's line for the same step: what the run would do, as a `# comment` between the commands the
 * target prints. Never an outcome: nothing ran (null: the target's own lines say it all).
 */
export function planStepLine(step: RolloutStep): string | null {
  switch (step.kind) {
    case 'load-started':
      return step.generator === 'none'
        ? `# no load of our own (--load none): point your load tool at ${step.baseUrl}`
        : `# start ${step.generator === 'k6' ? 'k6 (loadtest/rollout.k6.js)' : 'the built-in load generator'}: ` +
            `${step.rate} requests/s, keep-alive ${step.keepAlive ? 'on' : 'off'}, against ${step.baseUrl}`;
    case 'wait':
      return `# ${step.what} for ${step.ms / 1000} s`;
    case 'killing':
      return `# chaos (--chaos kill-pod): kill one ready v${step.version} pod`;
    case 'rollout-started':
      return `# roll out ${shortName(step.to)} under load`;
    case 'rollout-ended':
      // With --on-fail rollback the rollback's own steps follow (a plan walks that branch).
      return step.onFail === 'rollback'
        ? null
        : `# if the rollout stalls: stop there and report it (exit 1); ` +
            `--on-fail rollback would roll back to ${shortName(step.from)}`;
    case 'rollback-started':
      return `# if the rollout stalls (--on-fail rollback): roll back to ${shortName(step.to)}`;
    case 'rollback-ended':
      return '# then, whether the rollout completed or was rolled back:';
    case 'load-stopped':
      return step.ownLoad ? '# stop the load' : null;
    case 'up':
    case 'deployed':
    case 'killed':
    case 'settled':
      return null;
  }
}
