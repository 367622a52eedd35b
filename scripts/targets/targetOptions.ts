/** What a target is made from: the run's flags that concern where it runs (the CLI's options are a superset). */
export interface TargetOptions {
  /** A name from scripts/scenarios/scenarios.ts. */
  scenario: string;
  /** The Service's port on 127.0.0.1; 0: the target's default. */
  lbPort: number;
  propagationLagMs: number;
  /** Print every command instead of running it (kind and kube). */
  dryRun: boolean;
  /** kube: the kubectl context. */
  context: string | null;
  /** kind/kube: image repository (`hello` by default). */
  image: string | null;
  keepCluster: boolean;
  recreateCluster: boolean;
  /** kube: publish the Service on NodePort 30080 and load 127.0.0.1 there. */
  nodePort: boolean;
}

export type TargetName = 'local' | 'kind' | 'kube';
