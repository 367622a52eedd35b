import type http from 'node:http';
import type { RequestListener } from 'node:http';
import { createRequire } from 'node:module';

// Required, not imported: on Node.js 22+ an ES module import of node:http reads every export to build its
// namespace, and its lazy WebSocket getters load Node's bundled undici: ~40 ms more at every start in the
// image (bench:service, time to ready). require() leaves those getters alone.
const { createServer: createHttpServer } = createRequire(import.meta.url)('node:http') as typeof http;

/** Socket timeouts, set explicitly rather than inherited from whichever Node.js version runs us. */
export interface ServerTimeouts {
  keepAliveTimeoutMs: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  /** How often Node checks the two timeouts above (its default is 30 s, too coarse for a 10 s limit). */
  connectionsCheckingIntervalMs: number;
}

export const DEFAULT_TIMEOUTS: ServerTimeouts = {
  // Longer than the idle timeout of any client or proxy in front of us (undici 4 s, Node's agent 5 s,
  // cloud load balancers 60 s): the side that closes an idle keep-alive connection must be the client,
  // or a request sent at that moment meets a closing socket and the client sees ECONNRESET.
  // https://nodejs.org/api/http.html#serverkeepalivetimeout
  keepAliveTimeoutMs: 65_000,
  // A client gets 10 s to send its request headers; slower ones are cut off with 408 (slowloris).
  headersTimeoutMs: 10_000,
  // Our longest request does 2 s of work and has a body of at most 1 KiB: 30 s bounds a stuck request
  // generously. It bounds receiving the request, not answering it, so it never cuts a long GET /stream.
  // https://nodejs.org/api/http.html#serverrequesttimeout
  requestTimeoutMs: 30_000,
  connectionsCheckingIntervalMs: 1_000,
};

/** How much one client, and all of them together, may hold of the server. */
export interface ServerLimits {
  /** Requests one keep-alive connection may carry; the last answer says `Connection: close`. */
  maxRequestsPerSocket: number;
  /** Open connections at once; past it Node closes each new one at once (its 'drop' event). */
  maxConnections: number;
}

export const DEFAULT_LIMITS: ServerLimits = {
  // nginx's keepalive_requests default (1.19.10+): a client cannot pin one pod forever, and each close is
  // announced in the answer, so the client reconnects cleanly instead of meeting a closed socket.
  // https://nodejs.org/api/http.html#servermaxrequestspersocket
  maxRequestsPerSocket: 1000,
  // Above the 3,500 connections the service keeps busy at its measured capacity on 2 cores (1 s of work,
  // bench/RESULTS.md), so the cap only cuts in past what it could serve anyway, before file descriptors or
  // memory run out. https://nodejs.org/api/net.html#servermaxconnections
  maxConnections: 5000,
};

/**
 * An HTTP server for the app. Malformed requests get Node's own answers: 400 for bad syntax,
 * 431 for headers over the 16 KiB limit, 408 for headers that arrive too slowly. None of them
 * reaches the app, so none can leak a stack trace.
 */
export function createServer(
  app: RequestListener,
  timeouts: ServerTimeouts = DEFAULT_TIMEOUTS,
  limits: ServerLimits = DEFAULT_LIMITS,
): http.Server {
  const server = createHttpServer(
    {
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      headersTimeout: timeouts.headersTimeoutMs,
      requestTimeout: timeouts.requestTimeoutMs,
      connectionsCheckingInterval: timeouts.connectionsCheckingIntervalMs,
    },
    app,
  );
  server.maxRequestsPerSocket = limits.maxRequestsPerSocket;
  server.maxConnections = limits.maxConnections;
  return server;
}
