import { createHash } from 'node:crypto';
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
  /** Variables read from a ConfigMap key when the container starts (never again while it runs). */
  configMapEnv: Record<string, ConfigMapKey>;
  /** ConfigMaps mounted as directories of files, one file per key, which the kubelet keeps up to date. */
  configMapMounts: ConfigMapMount[];
  readinessProbe: ProbeSettings | null;
  livenessProbe: ProbeSettings | null;
  startupProbe: ProbeSettings | null;
  preStop: PreStop;
}

export type PodField = 'metadata.name' | 'metadata.namespace';

export interface ConfigMapKey {
  configMap: string;
  key: string;
  optional: boolean;
}

export interface ConfigMapMount {
  /** The volume's name, which names its directory. */
  volume: string;
  mountPath: string;
  configMap: string;
}

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

/**
 * The container's full environment for one start of it: literals, the pod's own fields (POD_NAME), and
 * ConfigMap keys as they are at this moment. Throws ManifestError for a required key that is missing,
 * as the kubelet refuses to start the container (CreateContainerConfigError).
 */
export function containerEnv(
  container: ContainerSettings,
  pod: { name: string; namespace: string },
  configMap: (name: string) => Readonly<Record<string, string>> | undefined = () => undefined,
): Record<string, string> {
  const env = { ...container.env };
  for (const [variable, field] of Object.entries(container.fieldEnv)) {
    env[variable] = field === 'metadata.name' ? pod.name : pod.namespace;
  }
  for (const [variable, ref] of Object.entries(container.configMapEnv)) {
    const value = configMap(ref.configMap)?.[ref.key];
    if (value !== undefined) env[variable] = value;
    else if (!ref.optional)
      throw new ManifestError(`couldn't find key ${ref.key} in ConfigMap ${ref.configMap} (env ${variable})`);
  }
  return env;
}

type VolumeSpec = NonNullable<DeploymentSpec['spec']['template']['spec']['volumes']>[number];

function containerSettings(
  container: ContainerSpec,
  volumes: readonly VolumeSpec[],
  id: string,
): ContainerSettings {
  const where = `${id}: container ${container.name}`;
  const ports: Record<string, number> = {};
  for (const port of container.ports ?? []) if (port.name) ports[port.name] = port.containerPort;

  const env: Record<string, string> = {};
  const fieldEnv: Record<string, PodField> = {};
  const configMapEnv: Record<string, ConfigMapKey> = {};
  for (const variable of container.env ?? []) {
    const keyRef = variable.valueFrom?.configMapKeyRef;
    if (keyRef) {
      configMapEnv[variable.name] = {
        configMap: keyRef.name,
        key: keyRef.key,
        optional: keyRef.optional ?? false,
      };
      continue;
    }
    if (variable.valueFrom) {
      const fieldPath = variable.valueFrom.fieldRef?.fieldPath;
      if (!fieldPath)
        throw new ManifestError(
          `${where}: env ${variable.name}: valueFrom needs a fieldRef or a configMapKeyRef`,
        );
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
    configMapEnv,
    configMapMounts: configMapMounts(container, volumes, where),
    readinessProbe: probe('readinessProbe', container.readinessProbe),
    livenessProbe: liveness,
    startupProbe: startup,
    preStop: preStopOf(container, where),
  };
}

/** The container's ConfigMap volumes; other volumes (emptyDir) are directories the app may write to, ignored here. */
function configMapMounts(
  container: ContainerSpec,
  volumes: readonly VolumeSpec[],
  where: string,
): ConfigMapMount[] {
  const mounts: ConfigMapMount[] = [];
  for (const mount of container.volumeMounts ?? []) {
    const volume = volumes.find((v) => v.name === mount.name);
    if (!volume) throw new ManifestError(`${where}: volumeMount ${mount.name} names no volume of the pod`);
    if (!volume.configMap) continue;
    // A subPath mount is a copy the kubelet never updates: a different behaviour the engine does not model.
    // https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically
    if (mount.subPath)
      throw new ManifestError(
        `${where}: a ConfigMap volumeMount with subPath is not supported by the local engine`,
      );
    mounts.push({ volume: volume.name, mountPath: mount.mountPath, configMap: volume.configMap.name });
  }
  return mounts;
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
