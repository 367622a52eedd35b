import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from './endpoints.js';

/** Messages between the harness and the proxy process. */
export type ToProxy = { type: 'endpoints'; endpoints: readonly Endpoint[] } | { type: 'close' };
export type ToParent = { type: 'listening'; port: number } | { type: 'error'; message: string };

export interface ServiceProxy {
  /** Starts the proxy process; resolves with the port it listens on. */
  listen(): Promise<number>;
  /** What NEW connections may go to from now on (the endpoints as kube-proxy's rules have them). */
  setEndpoints(endpoints: readonly Endpoint[]): void;
  /** Stops the proxy: every open connection is reset, the process exits. */
  close(): Promise<void>;
}

const ENTRY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'balancerProcess.js');

/**
 * The local Service's balancer (balancer.ts) in a process of its own, as kube-proxy is one: it shares no
 * event loop with the harness's controller, prober and pods' bookkeeping, so a busy harness delays no
 * connection. The harness tells it the endpoints after their propagation lag (endpoints.ts), over IPC.
 */
export function createServiceProxy(options: { port: number; host: string }): ServiceProxy {
  let child: ChildProcess | null = null;
  let latest: readonly Endpoint[] = [];
  return {
    async listen() {
      child = fork(ENTRY, [String(options.port), options.host], {
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      child.send({ type: 'endpoints', endpoints: latest } satisfies ToProxy);
      const [message] = (await Promise.race([
        once(child, 'message'),
        once(child, 'exit').then(([code]) => [
          { type: 'error', message: `the proxy exited (${String(code)})` },
        ]),
      ])) as [ToParent];
      if (message.type === 'error')
        throw new Error(`the Service's proxy could not listen: ${message.message}`);
      return message.port;
    },
    setEndpoints(endpoints) {
      latest = endpoints;
      if (child?.connected) child.send({ type: 'endpoints', endpoints } satisfies ToProxy);
    },
    async close() {
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      if (child.connected) child.send({ type: 'close' } satisfies ToProxy);
      else child.kill('SIGKILL');
      const bound = setTimeout(() => child?.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(bound);
    },
  };
}
