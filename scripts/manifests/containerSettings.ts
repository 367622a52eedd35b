import type { ContainerSpec, DeploymentSpec, ProbeSpec } from './deploymentSchema.js';
import { ManifestError } from './manifestError.js';

// The container half of deploymentSettings.ts: every Kubernetes default filled in, so the engine never has
// to know one (https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/).

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

type VolumeSpec = NonNullable<DeploymentSpec['spec']['template']['spec']['volumes']>[number];

export function containerSettings(
  container: ContainerSpec,
  volumes: readonly VolumeSpec[],
  id: string,
): ContainerSettings {
  const where = `${id}: container ${container.name}`;
  const ports: Record<string, number> = {};
  for (const port of container.ports ?? []) if (port.name) ports[port.name] = port.containerPort;

  const { env, fieldEnv, configMapEnv } = containerEnvSpec(container, where);

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

/** A container's env, by where each value comes from: literal, a pod field, a ConfigMap key. */
function containerEnvSpec(container: ContainerSpec, where: string) {
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
  return { env, fieldEnv, configMapEnv };
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

export function resolvePort(port: number | string, ports: Record<string, number>, where: string): number {
  if (typeof port === 'number') return port;
  const resolved = ports[port];
  if (resolved === undefined) throw new ManifestError(`${where}: the container has no port named "${port}"`);
  return resolved;
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
