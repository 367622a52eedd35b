import type { CommandRunner } from '../../cluster/commandRunner.js';
import { KIND_NODE_PORT } from './kindClusterConfig.js';
import { hostPortTaken, kindFailureReason } from './kindFailure.js';
import { MissingPrerequisite } from '../../errors.js';
import { kindStep, stepLines } from '../../cluster/stepLines.js';
import { firstLine } from '../../cluster/textLines.js';

/**
 * The kind cluster: reused when one of that name exists and works (a second run takes seconds, not
 * minutes), created from k8s/kind/cluster.yaml otherwise. kind names the kubectl context `kind-<name>`
 * and the control-plane node's container `<name>-control-plane`.
 * https://kind.sigs.k8s.io/docs/user/quick-start/#interacting-with-your-cluster
 */
export function kindContext(clusterName: string): string {
  return `kind-${clusterName}`;
}

export function kindControlPlane(clusterName: string): string {
  return `${clusterName}-control-plane`;
}

/** How long `kind create cluster --wait` waits for the control plane to be Ready. */
const WAIT_FOR_READY = '120s';

export interface KindClusterSpec {
  name: string;
  /** Where load reaches the NodePort on this machine (127.0.0.1:hostPort). */
  hostPort: number;
  /** The config file, for `--config FILE`; or, with another host port than the file's, its text for `--config -`. */
  configPath: string;
  configText: string | null;
  /** `--image IMG`: every node's image in place of the config's (kind's createcluster.go); null: the config's. */
  nodeImage: string | null;
  /** The image `npm run kind:node-image` builds, for the hint when the node image cannot be pulled. */
  offlineImage: string;
  log: (line: string) => void;
}

/**
 * `kind get clusters` lists every cluster with a node container, stopped and half-created ones too (it is
 * `docker ps -a` filtered by kind's label: pkg/cluster/internal/providers/docker/provider.go).
 */
export async function kindClusterExists(run: CommandRunner, name: string): Promise<boolean> {
  const listed = await run.run('kind', ['get', 'clusters'], { timeoutMs: 60_000 });
  if (listed.code !== 0) {
    throw new MissingPrerequisite(`kind get clusters failed: ${kindFailureReason(listed.stderr)}`);
  }
  // "No kind clusters found." goes to stderr; stdout holds one name per line.
  return listed.stdout.split('\n').some((line) => line.trim() === name);
}

/**
 * An existing cluster is reused only when it works: its kubeconfig can be exported (the control-plane
 * container runs and kubeadm wrote admin.conf), it publishes the NodePort on 127.0.0.1:hostPort, and its
 * API server answers. An interrupted `kind create` leaves a cluster that fails one of these; every later
 * run would reuse it and fail late. Each failure is one line that says what to do.
 */
export async function checkReusable(run: CommandRunner, spec: KindClusterSpec): Promise<void> {
  const { name } = spec;
  const remedy = `delete it with \`kind delete cluster --name ${name}\`, or run again with --recreate-cluster`;
  const exported = await run.run('kind', ['export', 'kubeconfig', '--name', name], { timeoutMs: 60_000 });
  if (exported.code !== 0) {
    throw new MissingPrerequisite(
      `kind cluster ${name} exists but is stopped or half-made (kind export kubeconfig: ` +
        `${kindFailureReason(exported.stderr)}): ${remedy}`,
    );
  }
  const node = kindControlPlane(name);
  const port = await run.run('docker', ['port', node, `${KIND_NODE_PORT}/tcp`], { timeoutMs: 20_000 });
  const published = port.stdout
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (!published.includes(`127.0.0.1:${spec.hostPort}`)) {
    const now =
      port.code !== 0 || published.length === 0
        ? `publishes no host port for NodePort ${KIND_NODE_PORT} (docker port: ${firstLine(port.stderr) || 'nothing'})`
        : `maps NodePort ${KIND_NODE_PORT} to ${published.join(', ')}, not 127.0.0.1:${spec.hostPort}`;
    throw new MissingPrerequisite(`kind cluster ${name} ${now}: ${remedy}`);
  }
  const api = await run.run(
    'kubectl',
    ['--context', kindContext(name), 'get', '--raw', '/readyz', '--request-timeout=10s'],
    { timeoutMs: 30_000 },
  );
  if (api.code !== 0) {
    throw new MissingPrerequisite(
      `kind cluster ${name} exists but its API server does not answer (kubectl get --raw /readyz: ` +
        `${firstLine(api.stderr) || `exit ${api.code}`}): ${remedy}`,
    );
  }
}

/**
 * `kind create cluster`, its steps streamed as they happen. A failure is kind's reason in one line (kind
 * removes the nodes of a failed create itself: pkg/cluster/internal/create/create.go). `onCreated`
 * runs once the cluster exists, before the readiness verdict: kind exits 0 after its `--wait` ran out
 * ("WARNING: Timed out waiting for Ready"), and that cluster is there but not usable.
 */
export async function createKindCluster(
  run: CommandRunner,
  spec: KindClusterSpec,
  onCreated: () => void,
): Promise<void> {
  const { name } = spec;
  const args = [
    'create',
    'cluster',
    '--name',
    name,
    '--config',
    spec.configText === null ? spec.configPath : '-',
    ...(spec.nodeImage === null ? [] : ['--image', spec.nodeImage]),
  ];
  const created = await run.run('kind', [...args, '--wait', WAIT_FOR_READY], {
    timeoutMs: 15 * 60_000,
    onLine: stepLines(spec.log, 'kind create', kindStep),
    ...(spec.configText === null
      ? {}
      : {
          input: spec.configText,
          inputLabel: `${spec.configPath} with the NodePort on 127.0.0.1:${spec.hostPort}`,
        }),
  });
  if (created.code !== 0) {
    const reason = kindFailureReason(created.stderr) || `exit ${created.code}`;
    const hint = hostPortTaken(reason)
      ? `: host port ${spec.hostPort} is taken; free it, or pick another with --lb-port`
      : /failed to pull image/.test(reason)
        ? pullHint(spec)
        : '';
    throw new MissingPrerequisite(`kind create cluster failed: ${reason}${hint}`);
  }
  onCreated();
  if (/Timed out waiting for Ready/.test(created.stderr)) {
    throw new MissingPrerequisite(
      `kind created cluster ${name} but its control plane was not Ready within ${WAIT_FOR_READY} ` +
        `(kind: "WARNING: Timed out waiting for Ready"): see \`kubectl --context ${kindContext(name)} ` +
        `describe nodes\`; delete it with \`kind delete cluster --name ${name}\` and try again`,
    );
  }
}

/** What to do when no registry gives the node image: build ours offline (cluster/kind-node/README.md). */
function pullHint(spec: KindClusterSpec): string {
  if (spec.nodeImage !== null) return `; build it offline with \`npm run kind:node-image\``;
  return (
    '; with no registry to pull it from, build a node image offline (`npm run kind:node-image`) and pass ' +
    `it: --kind-node-image ${spec.offlineImage}`
  );
}

export async function deleteKindCluster(run: CommandRunner, clusterName: string): Promise<void> {
  const deleted = await run.run('kind', ['delete', 'cluster', '--name', clusterName], {
    timeoutMs: 5 * 60_000,
  });
  if (deleted.code !== 0) throw new Error(`kind delete cluster failed: ${kindFailureReason(deleted.stderr)}`);
}
