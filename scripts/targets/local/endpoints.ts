/**
 * The Service's endpoints: the addresses of the ready, non-terminating pods, as two views.
 *
 * - `desired()` is the control plane's view: it changes the moment a pod turns ready, not-ready,
 *   starts terminating or exits.
 * - `current()` is what the proxy (our balancer) routes NEW connections to. In a cluster a change
 *   reaches kube-proxy only after the EndpointSlice controller has written it and kube-proxy has
 *   synced its rules, so for a while the proxy still sends new connections to a pod that was just
 *   marked terminating, and none yet to a pod that just turned ready. That lag is why a pod must
 *   keep serving for a moment after SIGTERM (preStop sleep / drain delay): endpoint removal and the
 *   kubelet's shutdown start at the same time and nothing orders them.
 *   https://kubernetes.io/docs/concepts/services-networking/service/
 *   https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination
 *
 * Each change becomes visible propagationLagMs after it was made, in the order it was made (lag 0:
 * at once). Changes are not coalesced: a pod marked ready and then removed within the lag shows up in
 * current() for a moment, as it would in a cluster.
 */

export interface Endpoint {
  /** Pod name (the rollout events and the balancer's stats use it). */
  pod: string;
  /** The pod's port on 127.0.0.1. */
  port: number;
}

export interface EndpointsOptions {
  /** How long a change takes to reach the proxy, in ms. 0 = immediately. */
  propagationLagMs: number;
  /** Called with the proxy's new view each time a change becomes visible. */
  onChange?: (current: readonly Endpoint[]) => void;
}

export interface Endpoints {
  /** The pod is ready and not terminating: add it (or move it to a new port). */
  setReady(pod: string, port: number): void;
  /** The pod turned not-ready, started terminating or exited. Unknown pods are ignored. */
  remove(pod: string): void;
  /** What the proxy sees now: the endpoints NEW connections may go to. Do not mutate. */
  current(): readonly Endpoint[];
  /** What the control plane sees now (no lag). */
  desired(): readonly Endpoint[];
  /** Drops changes still in flight and clears their timers. */
  close(): void;
}

type Change = { pod: string; port: number | null };

function applyChange(view: readonly Endpoint[], change: Change): readonly Endpoint[] {
  const { pod, port } = change;
  if (port === null) return Object.freeze(view.filter((e) => e.pod !== pod));
  // A pod that is already there keeps its place, so round-robin order stays stable.
  const next = view.some((e) => e.pod === pod)
    ? view.map((e) => (e.pod === pod ? { pod, port } : e))
    : [...view, { pod, port }];
  return Object.freeze(next);
}

function sameView(a: readonly Endpoint[], b: readonly Endpoint[]): boolean {
  return a.length === b.length && a.every((e, i) => e.pod === b[i]?.pod && e.port === b[i]?.port);
}

export function createEndpoints(options: EndpointsOptions): Endpoints {
  const lag = options.propagationLagMs;
  if (!Number.isFinite(lag) || lag < 0) {
    throw new Error(`propagationLagMs must be a number >= 0, got ${String(lag)}`);
  }
  let desiredView: readonly Endpoint[] = Object.freeze([]);
  let visibleView: readonly Endpoint[] = Object.freeze([]);
  // Changes made but not yet visible, oldest first. Every timer applies the oldest one, so the
  // order holds even if timers of equal delay were ever to fire out of order.
  const inFlight: Change[] = [];
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let closed = false;

  const makeVisible = (change: Change): void => {
    const next = applyChange(visibleView, change);
    if (sameView(next, visibleView)) return;
    visibleView = next;
    options.onChange?.(visibleView);
  };

  const submit = (change: Change): void => {
    if (closed) return;
    desiredView = applyChange(desiredView, change);
    if (lag === 0) {
      makeVisible(change);
      return;
    }
    inFlight.push(change);
    const timer = setTimeout(() => {
      timers.delete(timer);
      const oldest = inFlight.shift();
      if (oldest) makeVisible(oldest);
    }, lag);
    timers.add(timer);
  };

  return {
    setReady: (pod, port) => submit({ pod, port }),
    remove: (pod) => submit({ pod, port: null }),
    current: () => visibleView,
    desired: () => desiredView,
    close: () => {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      inFlight.length = 0;
    },
  };
}
