import path from 'node:path';
import type { Target } from '../targets/target.js';

export interface PlanSteps {
  target: Target;
  from: string;
  to: string;
  load: 'builtin' | 'k6' | 'none';
  rate: number;
  warmupMs: number;
  cooldownMs: number;
  outDir: string;
  print: (line: string) => void;
}

/**
 * --dry-run: walks the same steps as a real run against a target whose command runner only prints
 * (`$ command` lines), with what is not a command as `# comment` lines. Runs nothing, starts no load.
 */
export async function printPlan(plan: PlanSteps): Promise<void> {
  const { target, print } = plan;
  print(`# plan for the ${target.name} target (dry run: nothing below is executed)`);
  try {
    const baseUrl = await target.up();
    await target.deploy(plan.from);
    print(
      plan.load === 'none'
        ? `# no load of our own (--load none): point your tool at ${baseUrl}`
        : `# start ${plan.load === 'k6' ? 'k6 (loadtest/rollout.k6.js)' : 'the built-in load generator'}: ` +
            `${plan.rate} requests/s against ${baseUrl}`,
    );
    print(`# warm up for ${plan.warmupMs / 1000} s`);
    await target.rollOut(plan.to);
    await target.settle();
    print(`# cool down for ${plan.cooldownMs / 1000} s, stop the load`);
    print(
      `# if a rollout stalls: kubectl get events, describe pods and logs go to ${path.join(plan.outDir, 'cluster')}/`,
    );
    print(`# judge and write report.json, report.md and report.html to ${plan.outDir}/`);
  } finally {
    await target.teardown();
  }
}
