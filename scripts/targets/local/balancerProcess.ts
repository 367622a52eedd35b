// The local Service's data plane as a process of its own, as kube-proxy is one: wiring only.
// The parent (serviceProxy.ts) sends the endpoints it may route NEW connections to; this process forwards.
import { createBalancer } from './balancer.js';
import type { Endpoint } from './endpoints.js';
import type { ToParent, ToProxy } from './serviceProxy.js';

let current: readonly Endpoint[] = [];
const balancer = createBalancer({
  port: Number(process.argv[2] ?? 0),
  host: process.argv[3] ?? '127.0.0.1',
  endpoints: { current: () => current },
});
const send = (message: ToParent) => process.send?.(message);

process.on('message', (message: ToProxy) => {
  if (message.type === 'endpoints') current = message.endpoints;
  if (message.type === 'close') void balancer.close().then(() => process.exit(0));
});
// The harness is gone (even SIGKILLed): a proxy with nobody to tell it the endpoints has nothing to do.
process.on('disconnect', () => void balancer.close().then(() => process.exit(0)));

balancer.listen().then(
  (port) => send({ type: 'listening', port }),
  (error: Error) => {
    send({ type: 'error', message: error.message });
    process.exit(1);
  },
);
