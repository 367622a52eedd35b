/**
 * The Service's data plane: an L4 (TCP) balancer on 127.0.0.1, standing in for kube-proxy.
 *
 * - Each NEW client connection goes to one endpoint from `endpoints.current()` (the proxy's lagging
 *   view), chosen round-robin. kube-proxy's iptables and nftables modes pick at random with equal
 *   probability and its IPVS mode defaults to round-robin; round-robin gives the same even spread
 *   with less noise, so runs are easier to compare.
 *   https://kubernetes.io/docs/reference/networking/virtual-ips/
 * - A connection stays pinned to that pod for its whole life, even after the pod left the
 *   endpoints: conntrack keeps established flows going to the pod they were opened to. That is why
 *   keep-alive clients keep reaching a terminating pod, and why the service must answer with
 *   `Connection: close` while it drains.
 * - Bytes are piped both ways untouched; FIN and RST are passed on as they come (a reset on one side
 *   resets the other, a clean end ends the other), so clients see what they would see talking to the
 *   pod directly.
 *
 * Deviations from a cluster, both forced by a user-space proxy that has already accepted the
 * client's TCP handshake before it knows where the connection goes:
 * - No endpoints: kube-proxy's REJECT rule makes the client's connect() fail with ECONNREFUSED. Here
 *   the accepted connection is reset at once, so the client sees ECONNRESET (undici: "connect
 *   ECONNRESET"). Closing the listening socket while there are no endpoints would give a true
 *   ECONNREFUSED, but connections already queued in the kernel are reset anyway, and re-binding the
 *   port later races with any socket that grabbed it meanwhile (outgoing connections draw local
 *   ports from the same ephemeral range as port 0), which could leave the Service dead mid-run.
 * - A pod still in the endpoints (propagation lag) whose process no longer listens: in a cluster
 *   the SYN reaches the pod and its kernel refuses it (ECONNREFUSED). Here the client is reset
 *   (ECONNRESET). Either way it is a dropped request, and the load generator records it by code.
 */
import net from 'node:net';

import type { Endpoint, Endpoints } from './endpoints.js';

export interface BalancerOptions {
  /** Port to listen on; 0 picks a free one. */
  port?: number;
  host?: string;
  endpoints: Pick<Endpoints, 'current'>;
}

export interface BackendStats {
  /** Connections open to this pod right now. */
  active: number;
  /** Connections ever sent to this pod. */
  total: number;
}

export interface BalancerStats {
  /** Client connections accepted, including the ones reset below. */
  totalConnections: number;
  activeConnections: number;
  /** Reset at once because there were no endpoints. */
  noEndpoints: number;
  /** Reset because the chosen pod could not be reached (connect failed). */
  backendConnectErrors: number;
  byPod: Record<string, BackendStats>;
}

export interface Balancer {
  /** Starts listening; resolves with the port. */
  listen(): Promise<number>;
  /** Stops accepting, destroys every open connection, resolves once all sockets have closed. */
  close(): Promise<void>;
  stats(): BalancerStats;
}

function resetSocket(socket: net.Socket): void {
  // resetAndDestroy() closes with SO_LINGER 0, so the peer gets an RST, not a FIN (Node >= 18.3).
  if (!socket.destroyed) socket.resetAndDestroy();
}

/** The balancer's connections and counters, shared by its handlers. */
interface BalancerState {
  readonly sockets: Set<net.Socket>;
  readonly byPod: Map<string, BackendStats>;
  readonly waitingForAllClosed: Array<() => void>;
  nextIndex: number;
  totalConnections: number;
  activeConnections: number;
  noEndpoints: number;
  backendConnectErrors: number;
}

export function createBalancer(options: BalancerOptions): Balancer {
  const host = options.host ?? '127.0.0.1';
  const server = net.createServer({ allowHalfOpen: true, noDelay: true });
  const state: BalancerState = {
    sockets: new Set(),
    byPod: new Map(),
    waitingForAllClosed: [],
    nextIndex: 0,
    totalConnections: 0,
    activeConnections: 0,
    noEndpoints: 0,
    backendConnectErrors: 0,
  };
  server.on('connection', (client) => {
    state.totalConnections += 1;
    track(state, client);
    client.on('error', () => {});
    const endpoint = pick(state, options.endpoints);
    if (!endpoint) {
      state.noEndpoints += 1;
      resetSocket(client);
      return;
    }
    proxy(state, client, endpoint);
  });
  // accept() can fail (EMFILE under a flood); Node reports it on the server. Keep serving.
  server.on('error', () => {});
  return {
    listen: () => listen(server, options.port ?? 0, host),
    close: () => closeAll(server, state),
    stats: () => ({
      totalConnections: state.totalConnections,
      activeConnections: state.activeConnections,
      noEndpoints: state.noEndpoints,
      backendConnectErrors: state.backendConnectErrors,
      byPod: Object.fromEntries([...state.byPod].map(([pod, s]) => [pod, { ...s }])),
    }),
  };
}

function track(state: BalancerState, socket: net.Socket): void {
  state.sockets.add(socket);
  socket.once('close', () => {
    state.sockets.delete(socket);
    if (state.sockets.size === 0) state.waitingForAllClosed.splice(0).forEach((resolve) => resolve());
  });
}

function pick(state: BalancerState, endpoints: BalancerOptions['endpoints']): Endpoint | undefined {
  const list = endpoints.current();
  if (list.length === 0) return undefined;
  const endpoint = list[state.nextIndex % list.length];
  state.nextIndex = (state.nextIndex + 1) % Number.MAX_SAFE_INTEGER;
  return endpoint;
}

function proxy(state: BalancerState, client: net.Socket, endpoint: Endpoint): void {
  const podStats = state.byPod.get(endpoint.pod) ?? { active: 0, total: 0 };
  state.byPod.set(endpoint.pod, podStats);
  podStats.active += 1;
  podStats.total += 1;
  state.activeConnections += 1;

  const backend = net.connect({
    host: '127.0.0.1',
    port: endpoint.port,
    allowHalfOpen: true,
    noDelay: true,
  });
  track(state, backend);
  pipeBothWays(client, backend, () => (state.backendConnectErrors += 1));

  let open = 2;
  const closedOne = (): void => {
    open -= 1;
    if (open > 0) return;
    podStats.active -= 1;
    state.activeConnections -= 1;
  };
  backend.once('close', closedOne);
  client.once('close', closedOne);
}

/** Bytes both ways untouched; a clean end passed on as an end, anything else as a reset. */
function pipeBothWays(client: net.Socket, backend: net.Socket, onConnectError: () => void): void {
  let connected = false;
  backend.once('connect', () => (connected = true));

  // pipe() passes a clean end (FIN) on: with allowHalfOpen on both sockets, each direction closes
  // on its own, as TCP half-close does through a real proxy.
  client.pipe(backend);
  backend.pipe(client);

  backend.on('error', () => {
    if (!connected) onConnectError();
    resetSocket(client);
  });
  client.on('error', () => resetSocket(backend));
  // Closed without an error and without a clean end (destroyed): that is a reset for the peer.
  backend.once('close', () => {
    if (!backend.readableEnded) resetSocket(client);
  });
  client.once('close', () => {
    if (!client.readableEnded) resetSocket(backend);
  });
}

function listen(server: net.Server, port: number, host: string): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    // A deep accept queue, as the service has: with Node's default backlog (511) a burst of new
    // connections (load starting at 1,000 requests/s, keep-alive clients reconnecting after a pod's
    // `Connection: close`) overflows it while the event loop is busy, the kernel drops the SYNs and
    // clients stall 1 s, then 3 s, on retransmission (measured by bench:scale: TcpExtListenOverflows,
    // p99 2 s work + 3 s). The kernel caps it at net.core.somaxconn.
    server.listen({ port, host, backlog: 4096 }, () => {
      server.off('error', onError);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

async function closeAll(server: net.Server, state: BalancerState): Promise<void> {
  const allClosed =
    state.sockets.size === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => state.waitingForAllClosed.push(resolve));
  const serverClosed = new Promise<void>((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
  });
  for (const socket of state.sockets) socket.destroy();
  await Promise.all([allClosed, serverClosed]);
}
