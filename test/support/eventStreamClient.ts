import http from 'node:http';

/** One Server-Sent Event as a client sees it: its type ('message' unless named), data and retry. */
export interface StreamEvent {
  event: string;
  data: string;
  retry?: number;
}

export interface OpenStream {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The events received so far, in order. */
  events: StreamEvent[];
  /**
   * How the stream ended: 'end' when the response completed (the terminating chunk arrived), else the
   * error the client saw ('ECONNRESET', 'aborted', ...): a stream cut rather than ended.
   */
  ended: Promise<string>;
  /** The client hangs up. */
  close(): void;
}

/**
 * Opens `url` as an EventSource would (on a connection of its own) and resolves once the response
 * headers are in; events are parsed as they arrive, per the spec's field rules (comments ignored).
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export function openStream(url: string): Promise<OpenStream> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { Accept: 'text/event-stream' } }, (res) => {
      const events: StreamEvent[] = [];
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = parseEvent(block);
          if (event) events.push(event);
        }
      });
      const ended = new Promise<string>((settle) => {
        res.on('end', () => settle('end'));
        res.on('aborted', () => settle('aborted'));
        res.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
        req.on('error', (error: NodeJS.ErrnoException) => settle(error.code ?? error.message));
      });
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        ended,
        close: () => req.destroy(),
      });
    });
    req.on('error', reject);
  });
}

function parseEvent(block: string): StreamEvent | undefined {
  const event: StreamEvent = { event: 'message', data: '' };
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event.event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) event.retry = Number(value);
  }
  if (data.length === 0) return undefined;
  event.data = data.join('\n');
  return event;
}
