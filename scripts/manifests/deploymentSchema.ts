import { z } from 'zod';

/**
 * The part of the Kubernetes apps/v1 Deployment and v1 Service that the local engine acts on, with the
 * API's own limits. Fields the engine ignores (resources, securityContext, volumes, ...) pass through;
 * fields it would have to act on but cannot (exec probes, envFrom, Recreate, more containers) are
 * refused by name, so a manifest never runs locally with part of its meaning silently dropped.
 * https://kubernetes.io/docs/reference/kubernetes-api/workload-resources/deployment-v1/
 */

const seconds = z.int().min(0);
const positive = z.int().min(1);
const intOrString = z.union([z.int().min(0), z.string().min(1)]);
/** An absolute count, or a percentage of replicas (`25%`): the engine does the rounding. */
export const intOrPercent = z.union([
  z.int().min(0),
  z.string().regex(/^[0-9]+%$/, 'expected a whole number or a percentage such as "25%"'),
]);

const unsupported = (what: string) =>
  z.never({ error: `${what} is not supported by the local engine (use --target kind)` }).optional();

const httpGetSchema = z.strictObject({
  path: z.string().optional(),
  port: intOrString,
  scheme: z.enum(['HTTP', 'HTTPS']).optional(),
  host: unsupported('httpGet.host'),
  httpHeaders: unsupported('httpGet.httpHeaders'),
});

export const probeSchema = z.looseObject({
  httpGet: httpGetSchema.optional(),
  tcpSocket: z.strictObject({ port: intOrString, host: unsupported('tcpSocket.host') }).optional(),
  exec: unsupported('an exec probe'),
  grpc: unsupported('a grpc probe'),
  initialDelaySeconds: seconds.optional(),
  periodSeconds: positive.optional(),
  timeoutSeconds: positive.optional(),
  successThreshold: positive.optional(),
  failureThreshold: positive.optional(),
  terminationGracePeriodSeconds: unsupported('a probe-level terminationGracePeriodSeconds'),
});
export type ProbeSpec = z.infer<typeof probeSchema>;

const envVarSchema = z.strictObject({
  name: z.string().min(1),
  value: z.string().optional(),
  valueFrom: z
    .strictObject({
      fieldRef: z.looseObject({ fieldPath: z.enum(['metadata.name', 'metadata.namespace']) }).optional(),
      configMapKeyRef: z
        .strictObject({ name: z.string().min(1), key: z.string().min(1), optional: z.boolean().optional() })
        .optional(),
      secretKeyRef: unsupported('secretKeyRef'),
      resourceFieldRef: unsupported('resourceFieldRef'),
    })
    .optional(),
});

const containerSchema = z.looseObject({
  name: z.string().min(1),
  image: z.string().min(1),
  ports: z
    .array(z.looseObject({ name: z.string().optional(), containerPort: z.int().min(1).max(65535) }))
    .optional(),
  env: z.array(envVarSchema).optional(),
  envFrom: unsupported('envFrom'),
  volumeMounts: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        mountPath: z.string().startsWith('/'),
        subPath: z.string().optional(),
        subPathExpr: unsupported('a volumeMount subPathExpr'),
      }),
    )
    .optional(),
  readinessProbe: probeSchema.optional(),
  livenessProbe: probeSchema.optional(),
  startupProbe: probeSchema.optional(),
  lifecycle: z
    .strictObject({
      preStop: z
        .strictObject({
          sleep: z.strictObject({ seconds: seconds }).optional(),
          exec: z.strictObject({ command: z.array(z.string()).min(1) }).optional(),
          httpGet: unsupported('a preStop httpGet hook'),
          tcpSocket: unsupported('a preStop tcpSocket hook'),
        })
        .optional(),
      postStart: unsupported('a postStart hook'),
    })
    .optional(),
});
export type ContainerSpec = z.infer<typeof containerSchema>;

export const deploymentSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1), namespace: z.string().optional() }),
  spec: z.looseObject({
    replicas: z.int().min(0).optional(),
    minReadySeconds: seconds.optional(),
    progressDeadlineSeconds: positive.optional(),
    strategy: z
      .looseObject({
        type: z
          .literal('RollingUpdate', {
            error: 'only the RollingUpdate strategy is supported by the local engine',
          })
          .optional(),
        rollingUpdate: z
          .looseObject({ maxSurge: intOrPercent.optional(), maxUnavailable: intOrPercent.optional() })
          .optional(),
      })
      .optional(),
    template: z.looseObject({
      metadata: z.looseObject({ labels: z.record(z.string(), z.string()).optional() }).optional(),
      spec: z.looseObject({
        terminationGracePeriodSeconds: seconds.optional(),
        initContainers: unsupported('initContainers'),
        volumes: z
          .array(
            z.looseObject({
              name: z.string().min(1),
              configMap: z
                .strictObject({
                  name: z.string().min(1),
                  optional: z.boolean().optional(),
                  defaultMode: z.int().optional(),
                  items: unsupported('configMap volume items'),
                })
                .optional(),
            }),
          )
          .optional(),
        containers: z.array(containerSchema).length(1, 'the local engine runs exactly one container per pod'),
      }),
    }),
  }),
});
export type DeploymentSpec = z.infer<typeof deploymentSchema>;

export const serviceSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().min(1) }),
  spec: z.looseObject({
    type: z.string().optional(),
    selector: z.record(z.string(), z.string()).optional(),
    ports: z
      .array(
        z.looseObject({
          name: z.string().optional(),
          port: z.int().min(1).max(65535),
          targetPort: intOrString.optional(),
          nodePort: z.int().optional(),
        }),
      )
      .min(1),
  }),
});
export type ServiceSpec = z.infer<typeof serviceSchema>;
