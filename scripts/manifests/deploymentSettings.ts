import type { z } from 'zod';
import {
  deploymentSchema,
  serviceSchema,
  type ContainerSpec,
  type DeploymentSpec,
  type ProbeSpec,
  type ServiceSpec,
} from './deploymentSchema.js';
import { ManifestError } from './manifestError.js';
import { objectId, type KubeObject } from './renderKustomization.js';

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
  container: ContainerSettings;
  /** The Service selecting these pods, or null when the manifests have none. */
  service: ServiceSettings | null;
}

export interface ContainerSettings {
  name: string;
  image: string;
  /** Ports by name (`http` → 8080), as probes and Services may refer to them. */
  ports: Record<string, number>;
  /** The first declared port: where the app listens. Null when none is declared. */
  port: number | null;
  /** Literal environment values, in manifest order. */
  env: Record<string, string>;
  /** Variables filled from the pod itself (`POD_NAME` → 'metadata.name'); see containerEnv(). */
  fieldEnv: Record<string, PodField>;
  readinessProbe: ProbeSettings | null;
  livenessProbe: ProbeSettings | null;
  startupProbe: ProbeSettings | null;
  preStop: PreStop;
}

export type PodField = 'metadata.name' | 'metadata.namespace';

export type PreStop =
  { type: 'sleep'; seconds: number } | { type: 'exec'; command: string[] } | { type: 'none' };

export type ProbeHandler =
  | { type: 'httpGet'; path: string; port: number; scheme: 'HTTP' | 'HTTPS' }
  | { type: 'tcpSocket'; port: number };

export interface ProbeSettings {
  handler: ProbeHandler;
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
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
  const container = containerSettings(template.spec.containers[0] as ContainerSpec, objectId(object));

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
    container,
    service: serviceSettings(objects, deployment, podLabels, container),
  };
}

/** The container's full environment for one pod: literals plus the pod's own fields (POD_NAME). */
export function containerEnv(
  container: ContainerSettings,
  pod: { name: string; namespace: string },
): Record<string, string> {
  const env = { ...container.env };
  for (const [variable, field] of Object.entries(container.fieldEnv)) {
    env[variable] = field === 'metadata.name' ? pod.name : pod.namespace;
  }
  return env;
}

function containerSettings(container: ContainerSpec, id: string): ContainerSettings {
  const where = `${id}: container ${container.name}`;
  const ports: Record<string, number> = {};
  for (const port of container.ports ?? []) if (port.name) ports[port.name] = port.containerPort;

  const env: Record<string, string> = {};
  const fieldEnv: Record<string, PodField> = {};
  for (const variable of container.env ?? []) {
    if (variable.valueFrom) {
      const fieldPath = variable.valueFrom.fieldRef?.fieldPath;
      if (!fieldPath) throw new ManifestError(`${where}: env ${variable.name}: valueFrom needs a fieldRef`);
      fieldEnv[variable.name] = fieldPath;
      continue;
    }
    const value = variable.value ?? '';
    // Kubernetes expands $(OTHER_VAR) in values; the local engine would pass it through literally.
    if (value.includes('$(')) {
      throw new ManifestError(
        `${where}: env ${variable.name} uses $(VAR) expansion, which the local engine does not do`,
      );
    }
    env[variable.name] = value;
  }

  const probe = (kind: string, spec: ProbeSpec | undefined) =>
    spec === undefined ? null : probeSettings(spec, ports, `${where}: ${kind}`);
  const liveness = probe('livenessProbe', container.livenessProbe);
  const startup = probe('startupProbe', container.startupProbe);
  for (const [kind, settings] of [
    ['livenessProbe', liveness],
    ['startupProbe', startup],
  ] as const) {
    if (settings && settings.successThreshold !== 1) {
      throw new ManifestError(`${where}: ${kind}.successThreshold must be 1`);
    }
  }

  return {
    name: container.name,
    image: container.image,
    ports,
    port: container.ports?.[0]?.containerPort ?? null,
    env,
    fieldEnv,
    readinessProbe: probe('readinessProbe', container.readinessProbe),
    livenessProbe: liveness,
    startupProbe: startup,
    preStop: preStopOf(container, where),
  };
}

function probeSettings(spec: ProbeSpec, ports: Record<string, number>, where: string): ProbeSettings {
  let handler: ProbeHandler;
  if (spec.httpGet && !spec.tcpSocket) {
    handler = {
      type: 'httpGet',
      path: spec.httpGet.path || '/',
      port: resolvePort(spec.httpGet.port, ports, `${where}.httpGet.port`),
      scheme: spec.httpGet.scheme ?? 'HTTP',
    };
  } else if (spec.tcpSocket && !spec.httpGet) {
    handler = { type: 'tcpSocket', port: resolvePort(spec.tcpSocket.port, ports, `${where}.tcpSocket.port`) };
  } else {
    throw new ManifestError(`${where}: needs exactly one of httpGet or tcpSocket`);
  }
  return {
    handler,
    initialDelaySeconds: spec.initialDelaySeconds ?? 0,
    periodSeconds: spec.periodSeconds ?? 10,
    timeoutSeconds: spec.timeoutSeconds ?? 1,
    successThreshold: spec.successThreshold ?? 1,
    failureThreshold: spec.failureThreshold ?? 3,
  };
}

function preStopOf(container: ContainerSpec, where: string): PreStop {
  const hook = container.lifecycle?.preStop;
  if (!hook) return { type: 'none' };
  if (hook.sleep && !hook.exec) return { type: 'sleep', seconds: hook.sleep.seconds };
  if (hook.exec && !hook.sleep) return { type: 'exec', command: hook.exec.command };
  throw new ManifestError(`${where}: lifecycle.preStop needs exactly one of sleep or exec`);
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

function resolvePort(port: number | string, ports: Record<string, number>, where: string): number {
  if (typeof port === 'number') return port;
  const resolved = ports[port];
  if (resolved === undefined) throw new ManifestError(`${where}: the container has no port named "${port}"`);
  return resolved;
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
