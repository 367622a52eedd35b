import type { Client, Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientPool } from './clientPool.js';
import { errorCode, LoadAbort } from './errorCode.js';
import { headerValue } from './headerValue.js';

/** What a request in flight reports to: the generator that sent it. */
export interface InFlightOwner {
  readonly clients: ClientPool;
  /** Records the request's outcome once: null for success, else why it failed. */
  settle(req: InFlightRequest, error: string | null): void;
}

/**
 * One request in flight, and its own undici handler: methods live on the prototype, so a request
 * costs this object and its sample, not a set of closures. Times are performance.now() values.
 */
export class InFlightRequest implements Dispatcher.DispatchHandler {
  controller: Dispatcher.DispatchController | null = null;
  status: number | null = null;
  version: string | null = null;
  pod: string | null = null;
  configHash: string | null = null;
  settled = false;
  private released = false;

  constructor(
    readonly owner: InFlightOwner,
    readonly client: Client,
    readonly index: number,
    readonly scheduledAt: number,
    readonly startedAt: number,
    readonly deadline: number,
    /** The status it succeeds with (201 for an order); any other is `http_<status>`. */
    readonly expectedStatus: number,
    /** The POST's order id; null for a GET. */
    readonly orderId: string | null,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController): void {
    // Timed out while still queued for a connection: drop it now that it reached one.
    if (this.settled) controller.abort(LoadAbort.timeout);
    else this.controller = controller;
  }

  onResponseStart(_c: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.version = headerValue(headers['x-app-version']);
    this.pod = headerValue(headers['x-pod-name']);
    this.configHash = headerValue(headers['x-config-hash']);
  }

  onResponseData(): void {
    // The body is read (and discarded) chunk by chunk: nothing is left unconsumed on the socket.
  }

  onResponseEnd(): void {
    this.release();
    this.owner.settle(this, this.status === this.expectedStatus ? null : `http_${this.status}`);
  }

  onResponseError(_c: Dispatcher.DispatchController, err: Error): void {
    this.release();
    this.owner.settle(this, errorCode(err));
  }

  /** The connection is free again only now that undici is done with it (not when we time out). */
  private release(): void {
    if (this.released) return;
    this.released = true;
    this.owner.clients.release(this.client);
  }
}
