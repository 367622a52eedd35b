/** What the app and the shutdown sequence share: whether shutdown has begun, and what is in flight. */
export interface InFlightRequest {
  method: string;
  url: string;
  startedAt: number;
}

export interface ServiceState {
  readonly shuttingDown: boolean;
  beginShutdown(): void;
  /** Requests being served now; the hard deadline logs what is left here. */
  readonly inFlight: Set<InFlightRequest>;
}

export function createServiceState(): ServiceState {
  let shuttingDown = false;
  return {
    get shuttingDown() {
      return shuttingDown;
    },
    beginShutdown() {
      shuttingDown = true;
    },
    inFlight: new Set(),
  };
}
