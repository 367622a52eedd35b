import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/**
 * Just enough of a kind cluster for the stand-in kubectl to drive and the harness to observe, all on
 * 127.0.0.1: the Service (GET / answered by a ready pod, X-App-Version and X-Pod-Name headers), a
 * Kubernetes API serving a pod list, a pod watch and a SelfSubjectAccessReview (what
 * @kubernetes/client-node asks for), and control routes for the stand-in kubectl and docker:
 * POST /standin/apply?version=N, POST /standin/delete?pod=NAME, POST /standin/delete-deployment,
 * GET /standin/rollout-status,
 * GET /standin/pods (names and restarts), and POST /standin/kill-container?id=ID (what
 * `crictl stop --timeout 0` in the node does).
 * A rollout replaces pods one at a time (maxSurge 1, maxUnavailable 0): new pod, ready, old pod
 * terminating, gone. A killed container is restarted in the same pod, as the kubelet does: the pod turns
 * not ready with its container terminated (exit 137), then runs again with one restart more, then ready.
 */
export interface FakeCluster {
  serviceUrl: string;
  servicePort: number;
  apiUrl: string;
  /** Writes a kubeconfig whose `kind-<name>` context points at the fake API (current-context is another one). */
  writeKubeconfig(dir: string, contextName: string): string;
  close(): Promise<void>;
}

interface FakePod {
  name: string;
  version: string;
  ready: boolean;
  terminating: boolean;
  resourceVersion: number;
  containerId: string;
  restarts: number;
  /** The container was killed and has not been restarted yet. */
  killed: boolean;
}

/** The kind node every pod runs on (one control-plane node, as k8s/kind/cluster.yaml makes). */
export const FAKE_NODE = 'zero-downtime-control-plane';

const REPLICAS = 3;
/** How a container stopped with SIGKILL shows in its status. */
const KILLED = { exitCode: 137, reason: 'Error' };

export async function startFakeCluster(
  options: {
    stepMs?: number;
    /** How long each version takes to answer GET / (the real service: v1 2 s, v2 1 s); default at once. */
    answerMs?: Record<string, number>;
  } = {},
): Promise<FakeCluster> {
  const stepMs = options.stepMs ?? 60;
  const pods = new Map<string, FakePod>();
  const watchers = new Set<http.ServerResponse>();
  let revision = 0;
  let counter = 0;
  let rollout: Promise<void> = Promise.resolve();
  let next = 0;

  const toObject = (pod: FakePod) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: pod.name,
      namespace: 'default',
      uid: `uid-${pod.name}`,
      labels: { app: 'hello' },
      resourceVersion: String(pod.resourceVersion),
      ...(pod.terminating ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: {
      nodeName: FAKE_NODE,
      containers: [
        { name: 'hello', image: `hello:v${pod.version}`, env: [{ name: 'APP_VERSION', value: pod.version }] },
      ],
    },
    status: {
      conditions: [{ type: 'Ready', status: pod.ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'hello',
          restartCount: pod.restarts,
          ready: pod.ready,
          containerID: `containerd://${pod.containerId}`,
          state: pod.killed ? { terminated: KILLED } : { running: {} },
          ...(pod.restarts > 0 ? { lastState: { terminated: KILLED } } : {}),
        },
      ],
    },
  });
  const publish = (type: 'ADDED' | 'MODIFIED' | 'DELETED', pod: FakePod) => {
    pod.resourceVersion = ++revision;
    const line = `${JSON.stringify({ type, object: toObject(pod) })}\n`;
    for (const watcher of watchers) watcher.write(line);
  };
  const wait = () => new Promise((resolve) => setTimeout(resolve, stepMs));
  const containerId = (seed: string) => Buffer.from(seed.padEnd(32, '.')).toString('hex').slice(0, 64);
  const addPod = async (version: string) => {
    const name = `hello-v${version}-${++counter}`;
    const pod: FakePod = {
      name,
      version,
      ready: false,
      terminating: false,
      resourceVersion: 0,
      containerId: containerId(name),
      restarts: 0,
      killed: false,
    };
    pods.set(pod.name, pod);
    publish('ADDED', pod);
    await wait();
    pod.ready = true;
    publish('MODIFIED', pod);
  };
  const removePod = async (pod: FakePod) => {
    pod.terminating = true;
    pod.ready = false;
    publish('MODIFIED', pod);
    await wait();
    pods.delete(pod.name);
    publish('DELETED', pod);
  };
  const rollTo = async (version: string) => {
    const old = [...pods.values()].filter((pod) => pod.version !== version && !pod.terminating);
    if (old.length === 0 && pods.size === 0) {
      for (let i = 0; i < REPLICAS; i++) await addPod(version);
      return;
    }
    const draining: Array<Promise<void>> = [];
    for (const pod of old) {
      await addPod(version);
      await wait();
      draining.push(removePod(pod));
    }
    // Like `kubectl rollout status`: done once the new pods are available; old ones may still drain.
    void Promise.all(draining);
  };

  const service = http.createServer((_req, res) => {
    const ready = [...pods.values()].filter((pod) => pod.ready && !pod.terminating);
    const pod = ready[next++ % Math.max(ready.length, 1)];
    if (!pod) {
      res.writeHead(503).end();
      return;
    }
    const answer = () => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'x-app-version': pod.version,
        'x-pod-name': pod.name,
      });
      res.end(JSON.stringify({ message: `Hello from version ${pod.version}!` }));
    };
    const delay = options.answerMs?.[pod.version] ?? 0;
    if (delay > 0) setTimeout(answer, delay);
    else answer();
  });

  const api = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/api/v1/namespaces/default/pods' && url.searchParams.get('watch') === 'true') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.flushHeaders();
      // Like the API server: from a resourceVersion, only what changed after it.
      const since = Number(url.searchParams.get('resourceVersion') ?? '0');
      for (const pod of pods.values())
        if (pod.resourceVersion > since)
          res.write(`${JSON.stringify({ type: 'ADDED', object: toObject(pod) })}\n`);
      watchers.add(res);
      res.on('close', () => watchers.delete(res));
      return;
    }
    if (url.pathname === '/api/v1/namespaces/default/pods') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'PodList',
          apiVersion: 'v1',
          metadata: { resourceVersion: String(revision) },
          items: [...pods.values()].map(toObject),
        }),
      );
      return;
    }
    if (req.method === 'POST' && url.pathname === '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews') {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'SelfSubjectAccessReview',
          apiVersion: 'authorization.k8s.io/v1',
          spec: {},
          status: { allowed: true },
        }),
      );
      return;
    }
    if (req.method === 'POST' && url.pathname === '/standin/apply') {
      const version = url.searchParams.get('version') ?? '1';
      rollout = rollout.then(() => rollTo(version));
      res.end('ok');
      return;
    }
    if (req.method === 'POST' && url.pathname === '/standin/delete-deployment') {
      // `kubectl delete deployment --cascade=foreground --wait`: every pod gone before it returns.
      const count = pods.size;
      for (const pod of [...pods.values()]) {
        pods.delete(pod.name);
        publish('DELETED', pod);
      }
      res.end(String(count));
      return;
    }
    if (req.method === 'POST' && url.pathname === '/standin/delete') {
      // `kubectl delete pod --force`: gone at once; the ReplicaSet replaces it with one of the same version.
      const pod = pods.get(url.searchParams.get('pod') ?? '');
      if (!pod) {
        res.writeHead(404).end();
        return;
      }
      pods.delete(pod.name);
      publish('DELETED', pod);
      void addPod(pod.version);
      res.end('ok');
      return;
    }
    if (req.method === 'POST' && url.pathname === '/standin/kill-container') {
      const pod = [...pods.values()].find(
        (candidate) => candidate.containerId === url.searchParams.get('id'),
      );
      if (!pod || pod.killed) {
        res.writeHead(404).end();
        return;
      }
      pod.killed = true;
      pod.ready = false;
      publish('MODIFIED', pod);
      void (async () => {
        await wait();
        pod.killed = false;
        pod.restarts++;
        pod.containerId = containerId(`${pod.name}-${pod.restarts}`);
        publish('MODIFIED', pod);
        await wait();
        pod.ready = true;
        publish('MODIFIED', pod);
      })();
      res.end('ok');
      return;
    }
    if (url.pathname === '/standin/pods') {
      res.writeHead(200, { 'content-type': 'application/json' });
      const listed = [...pods.values()].map((pod) => ({
        name: pod.name,
        node: FAKE_NODE,
        containerId: pod.containerId,
        restarts: pod.restarts,
      }));
      res.end(JSON.stringify(listed));
      return;
    }
    if (url.pathname === '/standin/rollout-status') {
      void rollout.then(() => res.end('ok'));
      return;
    }
    res.writeHead(404).end();
  });

  const listen = async (server: http.Server) => {
    server.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    return (server.address() as AddressInfo).port;
  };
  const servicePort = await listen(service);
  const apiUrl = `http://127.0.0.1:${await listen(api)}`;

  return {
    serviceUrl: `http://127.0.0.1:${servicePort}`,
    servicePort,
    apiUrl,
    writeKubeconfig(dir, contextName) {
      const file = path.join(dir, 'kubeconfig');
      const config = {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [
          // client-node refuses plain HTTP unless TLS verification is (pointlessly) switched off.
          { name: 'fake', cluster: { server: apiUrl, 'insecure-skip-tls-verify': true } },
          { name: 'someone-elses', cluster: { server: 'http://127.0.0.1:9' } },
        ],
        users: [{ name: 'fake', user: { token: 'standin' } }],
        contexts: [
          { name: contextName, context: { cluster: 'fake', user: 'fake' } },
          { name: 'users-own', context: { cluster: 'someone-elses', user: 'fake' } },
        ],
        // The harness must never use the current context: it names its own on every call.
        'current-context': 'users-own',
      };
      fs.writeFileSync(file, JSON.stringify(config));
      return file;
    },
    async close() {
      for (const watcher of watchers) watcher.destroy();
      service.closeAllConnections();
      api.closeAllConnections();
      await Promise.all([new Promise((r) => service.close(r)), new Promise((r) => api.close(r))]);
    },
  };
}
