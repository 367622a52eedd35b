import { Client } from 'undici';

/**
 * Connections for the open-model generator: one undici Client (one socket, no pipelining) per
 * request in flight, reused last-in-first-out once its request is done.
 *
 * Why not undici's Pool: it looks for a free client by scanning all of them on every dispatch. An
 * open model at R requests/s against 1 s of work keeps R connections busy, so that scan costs
 * O(R) per request, O(R²) per second: about 8% of the generator's CPU at 3,000 rps (measured with
 * --cpu-prof). Here a request hands its client back when undici is done with it: O(1).
 *
 * At most `maxConnecting` connections are being opened at once; past that, acquire() returns
 * undefined and the request waits for the next free or connected one (it keeps its scheduled time,
 * so the wait shows as latency). Without the cap an open model that falls behind (a GC pause, a busy
 * core) sends its backlog at once, finds every connection busy and opens one per late request;
 * connecting costs far more than reusing, so it falls further behind: at 10,000 requests/s against
 * an instant server, --cpu-prof showed 47% of the generator's time in net's internalConnect, then
 * timeouts and EMFILE.
 */
export class ClientPool {
  private readonly idle: Client[] = [];
  private readonly all: Client[] = [];
  private connecting = 0;

  constructor(
    private readonly origin: string,
    private readonly options: Client.Options,
    private readonly maxConnecting = 64,
  ) {}

  /** An idle client, a new one, or undefined while maxConnecting connections are being opened. */
  acquire(): Client | undefined {
    const client = this.idle.pop();
    if (client !== undefined) return client;
    if (this.connecting >= this.maxConnecting) return undefined;
    const fresh = new Client(this.origin, this.options);
    this.connecting++;
    let opening = true;
    const opened = (): void => {
      if (!opening) return;
      opening = false;
      this.connecting--;
    };
    fresh.once('connect', opened);
    fresh.once('connectionError', opened);
    fresh.once('disconnect', opened);
    this.all.push(fresh);
    return fresh;
  }

  /** Only once undici has finished with the request (answered, failed or aborted), never earlier. */
  release(client: Client): void {
    if (!client.closed && !client.destroyed) this.idle.push(client);
  }

  /** Connections opened so far (clients that ever existed). */
  get size(): number {
    return this.all.length;
  }

  async destroy(): Promise<void> {
    this.idle.length = 0;
    await Promise.all(this.all.map((c) => c.destroy().catch(() => undefined)));
  }
}
