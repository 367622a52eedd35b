/** What the app and the shutdown sequence share: whether shutdown has begun, and what is in flight. */
export interface InFlightRequest {
  method: string;
  url: string;
  startedAt: number;
}

export interface ServiceState {
  readonly shuttingDown: boolean;
  beginShutdown(): void;
  /**
   * Calls `listener` once shutdown begins, or at once if it has: a long-lived response (an event
   * stream) ends itself there, as a short one ends by finishing. Returns the call that unsubscribes it.
   */
  onShutdown(listener: () => void): () => void;
  /** Requests being served now; the hard deadline logs what is left here. */
  readonly inFlight: Set<InFlightRequest>;
}

export function createServiceState(): ServiceState {
  let shuttingDown = false;
  const listeners = new Set<() => void>();
  return {
    get shuttingDown() {
      return shuttingDown;
    },
    beginShutdown() {
      if (shuttingDown) return;
      shuttingDown = true;
      for (const listener of [...listeners]) listener();
      listeners.clear();
    },
    onShutdown(listener) {
      if (shuttingDown) {
        listener();
        return () => {};
      }
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    inFlight: new Set(),
  };
}
