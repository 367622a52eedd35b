import http from 'node:http';
import { errorCode } from './errorCode.js';
import { EventStreamParser } from './eventStreamParser.js';
import { headerValue } from './headerValue.js';
import { isCut, type StreamSample } from './streamSample.js';

/**
 * The service's contract for a stream's end (service/eventStream.ts, checked equal by a test): the final
 * event's name, and the path streams open on.
 */
export const RECONNECT_EVENT = 'reconnect';
export const STREAM_PATH = '/stream';
/** How long a client waits to reconnect until the server's `retry:` says otherwise: EventSource's own habit. */
const DEFAULT_RETRY_MS = 1000;
/** A `retry: 0` must not make a reconnect loop spin. */
const MIN_RETRY_MS = 100;

export interface StreamClientsOptions {
  /** Only its origin is used: streams open on `/stream` there. */
  baseUrl: string;
  /** How many streams are open at a time: each client reconnects when its stream ends. */
  count: number;
  /** A stream with no event for this long counts as cut ('timeout'): the service sends one a second. */
  idleTimeoutMs: number;
  /** The clients stop reconnecting, and end their streams, after this long. */
  maxDurationMs: number;
  /** Called once per stream as it ends (the `load` tool writes each to its NDJSON file). */
  onStream?: (stream: StreamSample) => void;
}

export interface StreamProgress {
  open: number;
  /** Open streams that have had their first event: the server is sending on them. */
  receiving: number;
  ended: number;
  cut: number;
}

export interface StreamClients {
  start(): void;
  /** Ends every open stream ('stopped') and returns every stream, in the order they ended. */
  stop(): Promise<StreamSample[]>;
  progress(): StreamProgress;
}

/**
 * `count` long-lived Server-Sent Event clients that behave as EventSource does: each holds one stream
 * open, and when it ends (the server's final event, or a cut) waits the server's `retry:` and opens the next
 * on a new connection, which the Service may send to another pod. Every stream is one sample.
 */
export function createStreamClients(options: StreamClientsOptions): StreamClients {
  const url = new URL(STREAM_PATH, options.baseUrl);
  const streams: StreamSample[] = [];
  const counts: StreamProgress = { open: 0, receiving: 0, ended: 0, cut: 0 };
  const record = (stream: StreamSample) => {
    streams.push(stream);
    counts.ended++;
    if (isCut(stream)) counts.cut++;
    options.onStream?.(stream);
  };
  const clients = Array.from(
    { length: options.count },
    (_, id) => new StreamClient(id, url, options.idleTimeoutMs, counts, record),
  );
  let bound: NodeJS.Timeout | undefined;
  let stopping: Promise<StreamSample[]> | null = null;
  const stop = () => {
    clearTimeout(bound);
    stopping ??= Promise.all(clients.map((client) => client.stop())).then(() => streams);
    return stopping;
  };
  return {
    start() {
      for (const client of clients) client.open();
      bound = setTimeout(() => void stop(), options.maxDurationMs);
    },
    stop,
    progress: () => ({ ...counts }),
  };
}

/** One EventSource-like client: at most one stream open, the next opened when it ends. */
class StreamClient {
  private current: http.ClientRequest | null = null;
  private ended: Promise<void> = Promise.resolve();
  private reconnect: NodeJS.Timeout | undefined;
  private retryMs = DEFAULT_RETRY_MS;
  /** When the client last lost its stream and has had no event since: where the next gap counts from. */
  private lostAt: number | null = null;
  private stopped = false;

  constructor(
    private readonly id: number,
    private readonly url: URL,
    private readonly idleTimeoutMs: number,
    private readonly counts: StreamProgress,
    private readonly record: (stream: StreamSample) => void,
  ) {}

  open(): void {
    if (this.stopped) return;
    const stream = newStream(this.id);
    let finalEvent = false;
    let resolveEnded: () => void = () => undefined;
    this.ended = new Promise((resolve) => (resolveEnded = resolve));
    this.counts.open++;
    const finish = (cause: string) => {
      if (stream.end !== '') return;
      stream.endedAt = Date.now();
      // After the final event, however the connection then closes, the server ended the stream properly.
      stream.end = finalEvent ? 'reconnect' : this.stopped ? 'stopped' : cause;
      this.current = null;
      this.counts.open--;
      if (stream.firstEventAt !== null) this.counts.receiving--;
      this.lostAt ??= stream.endedAt;
      this.record(stream);
      resolveEnded();
      if (!this.stopped) this.reconnect = setTimeout(() => this.open(), Math.max(MIN_RETRY_MS, this.retryMs));
    };
    const onEvents = (chunk: string, parser: EventStreamParser) => {
      for (const event of parser.push(chunk)) {
        const now = Date.now();
        stream.eventTimes.push(now);
        if (stream.firstEventAt === null) {
          stream.firstEventAt = now;
          this.counts.receiving++;
          if (this.lostAt !== null) stream.reconnectGapMs = now - this.lostAt;
          this.lostAt = null;
        }
        if (event.retry !== undefined) this.retryMs = event.retry;
        if (event.event === RECONNECT_EVENT) finalEvent = true;
      }
    };
    // agent: false: a connection of its own, as EventSource opens; the stream's `Connection: close` ends it.
    const req = http.get(this.url, { agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
      stream.version = headerValue(res.headers['x-app-version']);
      stream.pod = headerValue(res.headers['x-pod-name']);
      if (res.statusCode !== 200) {
        res.resume();
        res.on('end', () => finish(`http_${res.statusCode}`));
        return;
      }
      const parser = new EventStreamParser();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => onEvents(chunk, parser));
      res.on('end', () => finish('closed'));
      res.on('error', (error) => finish(errorCode(error)));
    });
    req.on('error', (error) => finish(errorCode(error)));
    // No byte for this long (the service sends an event a second): the stream is stuck, which is a cut.
    req.setTimeout(this.idleTimeoutMs, () => {
      finish('timeout');
      req.destroy();
    });
    this.current = req;
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    this.current?.destroy();
    return this.ended;
  }
}

function newStream(client: number): StreamSample {
  return {
    client,
    openedAt: Date.now(),
    firstEventAt: null,
    endedAt: 0,
    eventTimes: [],
    version: null,
    pod: null,
    end: '',
    reconnectGapMs: null,
  };
}
