import { loadConfig, type Config } from '../../service/config.js';
import { deploymentSettings, type DeploymentSettings } from '../manifests/deploymentSettings.js';
import { ManifestError } from '../manifests/manifestError.js';
import { objectId, type KubeObject } from '../manifests/kubeObject.js';
import type { Finding } from './finding.js';

/**
 * A Deployment as the lint rules see it: the rendered object, its settings with every Kubernetes default
 * filled in (deploymentSettings, the same reading the local engine makes), and the app settings the
 * container's environment gives the service (service/config.ts's loadConfig, so the service's own
 * defaults and checks apply and are never copied here: an unset SHUTDOWN_DELAY_MS means 5000 because
 * the service says so). The lint reads the service's config module; it never runs the service.
 */
export interface Workload {
  id: string;
  object: KubeObject;
  /** Null when the Deployment cannot be read (reported once as a `manifest` finding). */
  settings: DeploymentSettings | null;
  /**
   * Null when there are no settings, or the container's environment is invalid (an `app-env` finding), or the
   * container runs a team's app (`foreign`).
   */
  app: Config | null;
  /**
   * The container runs a team's app (npm run prove), not this repository's service: its environment is not
   * the service's configuration, and how long it keeps serving after SIGTERM is not for the lint to know.
   */
  foreign: boolean;
  /** `spec.template.spec.containers[hello]`: the container the settings describe. */
  main: string;
  /** Every container of the pod template (init containers too), for the per-container rules. */
  containers: ContainerRef[];
  /** The pod-level securityContext, whose fields containers inherit. */
  podSecurityContext: Record<string, unknown>;
  finding(field: string, rule: string, message: string): Finding;
}

export interface ContainerRef {
  /** `spec.template.spec.containers[hello]` */
  field: string;
  spec: Record<string, unknown>;
}

/** The workload of one rendered Deployment, plus findings for what could not be read. */
export function readWorkload(
  object: KubeObject,
  all: readonly KubeObject[],
  foreign = false,
): { workload: Workload; problems: Finding[] } {
  const id = objectId(object);
  const finding = (field: string, rule: string, message: string): Finding => ({
    object: id,
    field,
    rule,
    message,
  });
  const podSpec = record(record(record(object.spec).template).spec);
  const containers = [
    ...containerRefs(podSpec.initContainers, 'spec.template.spec.initContainers'),
    ...containerRefs(podSpec.containers, 'spec.template.spec.containers'),
  ];
  const problems: Finding[] = [];

  let settings: DeploymentSettings | null = null;
  try {
    settings = deploymentSettings(all, object.metadata.name);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    problems.push(
      finding('spec', 'manifest', `cannot be read, so the rollout rules were skipped: ${error.message}`),
    );
  }
  const main = `spec.template.spec.containers[${settings?.container.name ?? '?'}]`;

  let app: Config | null = null;
  if (settings && !foreign) {
    try {
      app = loadConfig(settings.container.env);
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      problems.push(finding(`${main}.env`, 'app-env', `the service would refuse to start: ${reason}`));
    }
  }

  return {
    workload: {
      id,
      object,
      settings,
      app,
      foreign,
      main,
      containers,
      podSecurityContext: record(podSpec.securityContext),
      finding,
    },
    problems,
  };
}

function containerRefs(list: unknown, prefix: string): ContainerRef[] {
  if (!Array.isArray(list)) return [];
  return list.map((item, index) => {
    const spec = record(item);
    const name = typeof spec.name === 'string' ? spec.name : String(index);
    return { field: `${prefix}[${name}]`, spec };
  });
}

/** The value as a plain object, or {} (the schema stage reports wrong shapes; rules just read). */
export function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
