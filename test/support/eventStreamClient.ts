import http from 'node:http';
import { EventStreamParser, type StreamEvent } from '../../loadtest/eventStreamParser.js';

export type { StreamEvent };

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
      const parser = new EventStreamParser();
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => events.push(...parser.push(chunk)));
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
