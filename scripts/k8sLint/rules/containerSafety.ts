import { parseImage } from '../../manifests/setImages.js';
import type { Finding } from '../finding.js';
import type { Rule } from '../rule.js';
import { record, type ContainerRef, type Workload } from '../workload.js';

/**
 * Per-container rules for every container of the pod (init containers too): a pinned image, the
 * "restricted" Pod Security Standard's container settings, and resources.
 * https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */

type ContainerCheck = (container: ContainerRef, workload: Workload) => Finding | Finding[] | null;

function perContainer(id: string, check: ContainerCheck): Rule {
  return {
    id,
    check: (workload) => workload.containers.flatMap((container) => check(container, workload) ?? []),
  };
}

const securityContext = (container: ContainerRef) => record(container.spec.securityContext);

export const imageTag = perContainer('image-tag', ({ field, spec }, { finding }) => {
  const image = typeof spec.image === 'string' ? spec.image : '';
  const { suffix } = parseImage(image);
  const tag = suffix.startsWith(':') ? suffix.slice(1).split('@')[0] : '';
  if (suffix.includes('@') || (tag !== '' && tag !== 'latest')) return null;
  const what = tag === 'latest' ? 'the `latest` tag' : 'no tag (which means `latest`)';
  return finding(
    `${field}.image`,
    'image-tag',
    `image "${image}" has ${what}: nodes may run different builds, a rollout cannot be traced to a version, and a rollback may not roll back`,
  );
});

export const runAsNonRoot = perContainer('run-as-non-root', (container, { finding, podSecurityContext }) => {
  // The container's setting wins over the pod's.
  const value = securityContext(container).runAsNonRoot ?? podSecurityContext.runAsNonRoot;
  if (value === true) return null;
  return finding(
    `${container.field}.securityContext.runAsNonRoot`,
    'run-as-non-root',
    'runAsNonRoot is not true (here or in the pod securityContext): the kubelet would start an image that runs as root',
  );
});

export const readOnlyRootFilesystem = perContainer('read-only-root-filesystem', (container, { finding }) => {
  if (securityContext(container).readOnlyRootFilesystem === true) return null;
  return finding(
    `${container.field}.securityContext.readOnlyRootFilesystem`,
    'read-only-root-filesystem',
    'readOnlyRootFilesystem is not true: an attacker who gets code execution can change the files the app runs from',
  );
});

export const dropCapabilities = perContainer('drop-capabilities', (container, { finding }) => {
  const drop = record(securityContext(container).capabilities).drop;
  if (Array.isArray(drop) && drop.includes('ALL')) return null;
  return finding(
    `${container.field}.securityContext.capabilities.drop`,
    'drop-capabilities',
    'capabilities.drop does not include ALL: the container keeps the runtime default capabilities (NET_RAW, CHOWN, ...) it does not need',
  );
});

export const noPrivilegeEscalation = perContainer('no-privilege-escalation', (container, { finding }) => {
  if (securityContext(container).allowPrivilegeEscalation === false) return null;
  return finding(
    `${container.field}.securityContext.allowPrivilegeEscalation`,
    'no-privilege-escalation',
    'allowPrivilegeEscalation is not false (it defaults to true): a setuid binary in the image could gain more privileges than the process started with',
  );
});

export const resources = perContainer('resources', (container, { finding }) => {
  const spec = record(container.spec.resources);
  const missing: Finding[] = [];
  for (const kind of ['requests', 'limits'] as const) {
    for (const resource of ['cpu', 'memory'] as const) {
      if (record(spec[kind])[resource] !== undefined) continue;
      const why =
        kind === 'requests'
          ? 'the scheduler cannot place the pod by what it needs, and the surge pod of a rollout may land on a full node'
          : 'one pod can starve its neighbours (and the old pods still draining during a rollout)';
      missing.push(
        finding(
          `${container.field}.resources.${kind}.${resource}`,
          'resources',
          `no ${resource} ${kind.slice(0, -1)}: ${why}`,
        ),
      );
    }
  }
  return missing;
});
