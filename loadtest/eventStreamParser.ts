/** One Server-Sent Event as a client sees it: its type ('message' unless named), data and retry. */
export interface StreamEvent {
  event: string;
  data: string;
  retry?: number;
}

/**
 * Reads an event stream chunk by chunk, per the spec's field rules (comments and empty blocks ignored, a
 * block without data is no event). Only `\n` line ends: the service sends nothing else.
 * https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation
 */
export class EventStreamParser {
  private buffered = '';

  /** The events the chunk completes, in order. */
  push(chunk: string): StreamEvent[] {
    this.buffered += chunk;
    const events: StreamEvent[] = [];
    let end: number;
    while ((end = this.buffered.indexOf('\n\n')) >= 0) {
      const event = parseEvent(this.buffered.slice(0, end));
      this.buffered = this.buffered.slice(end + 2);
      if (event) events.push(event);
    }
    return events;
  }
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
