import type { Client, Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { ClientPool } from './clientPool.js';
import { errorCode, LoadAbort } from './errorCode.js';
import { headerValue } from './headerValue.js';
import { matchesStatus, VERSION_BODY_LIMIT, versionInBody, type StatusSet } from './requestShape.js';

/** What a request in flight reports to: the generator that sent it. */
export interface InFlightOwner {
  readonly clients: ClientPool;
  /** The header the version is read from (lowercase); null when it is not in a header. */
  readonly versionHeader: string | null;
  /** The regex the version is read from the body with; null when the body is not read. */
  readonly versionPattern: RegExp | null;
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
  /** The body's first VERSION_BODY_LIMIT bytes; kept only when the version is read from it. */
  private body: Buffer[] | null = null;
  private bodyBytes = 0;

  constructor(
    readonly owner: InFlightOwner,
    readonly client: Client,
    readonly index: number,
    readonly scheduledAt: number,
    readonly startedAt: number,
    readonly deadline: number,
    /** The statuses it succeeds with (201 for an order); any other is `http_<status>`. */
    readonly expect: StatusSet,
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
    const { versionHeader, versionPattern } = this.owner;
    if (versionHeader !== null) this.version = headerValue(headers[versionHeader]);
    if (versionPattern !== null) this.body = [];
    this.pod = headerValue(headers['x-pod-name']);
    this.configHash = headerValue(headers['x-config-hash']);
  }

  onResponseData(_c: Dispatcher.DispatchController, chunk: Buffer): void {
    // The body is read chunk by chunk, and discarded unless the version is in it: nothing is left unconsumed
    // on the socket, and a request that reads headers only holds no body.
    if (this.body === null || this.bodyBytes >= VERSION_BODY_LIMIT) return;
    this.body.push(chunk);
    this.bodyBytes += chunk.length;
  }

  onResponseEnd(): void {
    this.release();
    const pattern = this.owner.versionPattern;
    if (pattern !== null && this.body !== null) {
      const text = Buffer.concat(this.body).toString('utf8', 0, VERSION_BODY_LIMIT);
      this.body = null;
      this.version = versionInBody(pattern, text);
    }
    const ok = this.status !== null && matchesStatus(this.expect, this.status);
    this.owner.settle(this, ok ? null : `http_${this.status}`);
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
