import fs from 'node:fs/promises';
import path from 'node:path';
import type { AppUnderTest } from '../../app/appUnderTest.js';
import type { Target } from '../../target.js';
import { createClusterTarget, type ClusterObserver } from '../../cluster/clusterTarget.js';
import type { CommandRunner } from '../../cluster/commandRunner.js';
import {
  checkReusable,
  createKindCluster,
  deleteKindCluster,
  kindClusterExists,
  kindContext,
  type KindClusterSpec,
} from './kindCluster.js';
import { offlineNodeImage, withHostPort, type KindClusterConfig } from './kindClusterConfig.js';
import { buildAndLoadImages } from './kindImages.js';
import { checkKindVersion } from './kindVersion.js';
import { killContainerInNode } from '../../cluster/podKills.js';

export interface KindTargetOptions {
  app: AppUnderTest;
  clusterName: string;
  /** The sample's image repository (`hello`); a team's app loads its own images (app.images). */
  image: string;
  keepCluster: boolean;
  /** Delete an existing cluster of that name first, and create it afresh. */
  recreateCluster: boolean;
  /** `kind create cluster --image`: every node's image, in place of the config's; null: the config's. */
  kindNodeImage: string | null;
  outDir: string;
  repoRoot: string;
  /** Base image build argument for the Dockerfile (NODE_IMAGE), passed through when set. */
  nodeImage: string | null;
  /** k8s/kind/cluster.yaml, and the host port the NodePort is to reach (--lb-port, else the file's). */
  clusterConfig: KindClusterConfig;
  hostPort: number;
  run: CommandRunner;
  observer: ClusterObserver;
  log: (line: string) => void;
}

/**
 * Requests reach a kind cluster through the host port of its node container, which Docker's userland
 * proxy (docker-proxy) serves for 127.0.0.1: it accepts every connection itself, then dials the node. When
 * the node refuses (no ready endpoint) or the pod goes away, the client's connection, already accepted,
 * is closed or reset: never refused.
 */
export const KIND_ERROR_KINDS_NOTE =
  "On kind, requests go through Docker's userland proxy (docker-proxy) on the host port, which accepts " +
  'every connection itself: a backend that refuses or goes away (no ready endpoint, a killed pod) reaches ' +
  'the client as a closed (socket_closed) or reset (ECONNRESET) connection, never as ECONNREFUSED.';

/** What this run did with the cluster, so teardown says only that. */
type ClusterState = 'untouched' | 'creating' | 'created' | 'reused' | 'deleted';

/** kind: create (or reuse) the cluster, build and load both images, then the shared cluster path. */
export function createKindTarget(options: KindTargetOptions): Target {
  const { run, clusterName: name } = options;
  const cluster: { state: ClusterState } = { state: 'untouched' };
  const ownPort = options.hostPort !== options.clusterConfig.hostPort;
  const spec: KindClusterSpec = {
    name,
    hostPort: options.hostPort,
    configPath: options.clusterConfig.path,
    configText: ownPort ? withHostPort(options.clusterConfig, options.hostPort) : null,
    nodeImage: options.kindNodeImage,
    offlineImage: offlineNodeImage(options.repoRoot),
    log: options.log,
  };
  const target = createClusterTarget({
    name: 'kind',
    run,
    context: kindContext(name),
    repoRoot: options.repoRoot,
    app: options.app,
    image: options.app.images ? null : options.image,
    serviceUrl: `http://127.0.0.1:${options.hostPort}`,
    outDir: options.outDir,
    requiredTools: ['docker', 'kind', 'kubectl'],
    observer: options.observer,
    log: options.log,
    errorKindsNote: KIND_ERROR_KINDS_NOTE,
    killPod: (pod, kubectl) => killContainerInNode(run, kubectl, pod),
    async prepare(facts) {
      await checkKindVersion(run);
      await createOrReuseCluster(options, spec, cluster);
      await loadImages(options, facts.dockerVersion);
    },
    async finish() {
      if (await finishCluster(options, cluster.state)) cluster.state = 'deleted';
    },
  });
  return {
    ...target,
    // A cluster teardown deleted took what the run applied with it.
    removeApplied: async (overlay) => {
      if (cluster.state !== 'deleted') await target.removeApplied?.(overlay);
    },
  };
}

/** Reuses the cluster of that name if it passes the reuse checks (unless --recreate-cluster), else creates it. */
async function createOrReuseCluster(
  options: KindTargetOptions,
  spec: KindClusterSpec,
  cluster: { state: ClusterState },
): Promise<void> {
  const { run, clusterName: name } = options;
  const exists = await kindClusterExists(run, name);
  if (exists && options.recreateCluster) {
    await deleteKindCluster(run, name);
    options.log(`deleted kind cluster ${name} to create it afresh (--recreate-cluster)`);
  } else if (exists) {
    await checkReusable(run, spec);
    cluster.state = 'reused';
    options.log(`reusing kind cluster ${name} (its API answers; NodePort on 127.0.0.1:${options.hostPort})`);
    return;
  }
  options.log(
    `creating kind cluster ${name} (NodePort on 127.0.0.1:${options.hostPort}; ` +
      'the first time, pulling the node image takes minutes)',
  );
  cluster.state = 'creating';
  try {
    await createKindCluster(run, spec, () => (cluster.state = 'created'));
  } catch (error) {
    // A failed create leaves nothing behind (kind deletes its nodes unless --retain).
    if (cluster.state === 'creating') cluster.state = 'untouched';
    throw error;
  }
  options.log(`created kind cluster ${name}`);
}

async function loadImages(options: KindTargetOptions, dockerVersion: string | null): Promise<void> {
  const archive = path.resolve(options.outDir, 'kind-images.tar');
  if (!options.run.dryRun) await fs.mkdir(options.outDir, { recursive: true });
  const tags = await buildAndLoadImages(options.run, {
    image: options.image,
    images: options.app.images,
    clusterName: options.clusterName,
    nodeImage: options.nodeImage,
    context: '.',
    dockerVersion,
    archive,
    log: options.log,
  });
  options.log(`${options.app.images ? 'loaded' : 'built and loaded'} ${tags.join(', ')}`);
}

/** Says, or does, only what this run did with the cluster; true when it deleted it. */
async function finishCluster(options: KindTargetOptions, state: ClusterState): Promise<boolean> {
  const { run, clusterName: name } = options;
  const remove = `\`kind delete cluster --name ${name}\``;
  if (state === 'untouched' || state === 'deleted') return false;
  if (state === 'creating') {
    options.log(
      `stopped while kind was creating cluster ${name}: it may be half-made; delete it with ${remove}`,
    );
  } else if (options.keepCluster) {
    options.log(`kept cluster ${name}: delete it with ${remove}`);
  } else {
    await deleteKindCluster(run, name);
    options.log(`deleted kind cluster ${name}`);
    return true;
  }
  return false;
}
