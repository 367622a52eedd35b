import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { containerSettings, resolvePort, type ContainerSettings } from './containerSettings.js';
import {
  deploymentSchema,
  serviceSchema,
  type ContainerSpec,
  type DeploymentSpec,
  type ServiceSpec,
} from './deploymentSchema.js';
import { ManifestError } from './manifestError.js';
import { objectId, type KubeObject } from './kubeObject.js';

/**
 * What the local engine needs from rendered manifests, every Kubernetes default filled in, so the engine
 * never has to know a default. Defaults from the API reference:
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/ ·
 * https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/
 */
export interface DeploymentSettings {
  name: string;
  namespace: string;
  replicas: number;
  /** As written (count or percentage); the rolling-update arithmetic rounds them. Default '25%' each. */
  maxSurge: number | string;
  maxUnavailable: number | string;
  minReadySeconds: number;
  progressDeadlineSeconds: number;
  /** Counts from the moment the pod is marked terminating and includes preStop. */
  terminationGracePeriodSeconds: number;
  podLabels: Record<string, string>;
  /**
   * Tells pod templates apart, as the Deployment controller's pod-template-hash does: a new template (code
   * or configuration) rolls out; applying the same one again changes nothing.
   */
  templateHash: string;
  container: ContainerSettings;
  /** The Service selecting these pods, or null when the manifests have none. */
  service: ServiceSettings | null;
}

export interface ServiceSettings {
  name: string;
  type: string;
  port: number;
  /** The container port the Service forwards to, resolved from a name if need be. */
  targetPort: number;
  nodePort: number | null;
}

/**
 * The settings of the Deployment in `objects` (the one called `name` when there are several).
 * Throws a one-line ManifestError naming the object and field for anything missing or unsupported.
 */
export function deploymentSettings(objects: readonly KubeObject[], name?: string): DeploymentSettings {
  const deployments = objects.filter(
    (object) => object.kind === 'Deployment' && (name === undefined || object.metadata.name === name),
  );
  const wanted = name === undefined ? 'Deployment' : `Deployment named "${name}"`;
  if (deployments.length === 0) throw new ManifestError(`the manifests contain no ${wanted}`);
  if (deployments.length > 1) {
    throw new ManifestError(`the manifests contain ${deployments.length} Deployments: name the one to run`);
  }
  const object = deployments[0] as KubeObject;
  const deployment = parse(deploymentSchema, object);
  const { spec } = deployment;
  const template = spec.template;
  const podLabels = template.metadata?.labels ?? {};
  const container = containerSettings(
    template.spec.containers[0] as ContainerSpec,
    template.spec.volumes ?? [],
    objectId(object),
  );

  const rollingUpdate = spec.strategy?.rollingUpdate;
  const maxSurge = rollingUpdate?.maxSurge ?? '25%';
  const maxUnavailable = rollingUpdate?.maxUnavailable ?? '25%';
  if (isZero(maxSurge) && isZero(maxUnavailable)) {
    throw new ManifestError(`${objectId(object)}: maxSurge and maxUnavailable may not both be 0`);
  }

  return {
    name: deployment.metadata.name,
    namespace: deployment.metadata.namespace ?? 'default',
    replicas: spec.replicas ?? 1,
    maxSurge,
    maxUnavailable,
    minReadySeconds: spec.minReadySeconds ?? 0,
    progressDeadlineSeconds: spec.progressDeadlineSeconds ?? 600,
    terminationGracePeriodSeconds: template.spec.terminationGracePeriodSeconds ?? 30,
    podLabels,
    templateHash: createHash('sha256').update(JSON.stringify(template)).digest('hex').slice(0, 10),
    container,
    service: serviceSettings(objects, deployment, podLabels, container),
  };
}

function serviceSettings(
  objects: readonly KubeObject[],
  deployment: DeploymentSpec,
  podLabels: Record<string, string>,
  container: ContainerSettings,
): ServiceSettings | null {
  const selecting = objects
    .filter((object) => object.kind === 'Service')
    .map((object) => ({ object, service: parse(serviceSchema, object) }))
    .filter(({ service }) => selects(service, podLabels));
  const chosen =
    selecting.find(({ service }) => service.metadata.name === deployment.metadata.name) ?? selecting[0];
  if (!chosen) return null;
  const { object, service } = chosen;
  const port = service.spec.ports[0] as ServiceSpec['spec']['ports'][number];
  return {
    name: service.metadata.name,
    type: service.spec.type ?? 'ClusterIP',
    port: port.port,
    // An absent targetPort means "the same number as port".
    targetPort: resolvePort(port.targetPort ?? port.port, container.ports, `${objectId(object)}: targetPort`),
    nodePort: port.nodePort ?? null,
  };
}

function selects(service: ServiceSpec, podLabels: Record<string, string>): boolean {
  const selector = Object.entries(service.spec.selector ?? {});
  return selector.length > 0 && selector.every(([key, value]) => podLabels[key] === value);
}

function isZero(value: number | string): boolean {
  return value === 0 || value === '0%';
}

function parse<T extends z.ZodType>(schema: T, object: KubeObject): z.infer<T> {
  const result = schema.safeParse(object);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || 'object';
  throw new ManifestError(`${objectId(object)}: ${field}: ${issue?.message ?? 'invalid'}`);
}
