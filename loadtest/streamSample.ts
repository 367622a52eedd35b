/**
 * What the load's stream clients write per stream (one NDJSON line each): a long-lived `GET /stream`
 * (Server-Sent Events) from its opening to its end. Times are epoch milliseconds.
 */
export interface StreamSample {
  /** Which of the load's stream clients opened it (0 .. --streams - 1); a client reconnects in turn. */
  client: number;
  openedAt: number;
  /** When its first event arrived; null when none did. */
  firstEventAt: number | null;
  endedAt: number;
  /** When each event arrived, in order (the report counts them per second and version). */
  eventTimes: number[];
  /** X-App-Version and X-Pod-Name of the answer; null when no answer came. */
  version: string | null;
  pod: string | null;
  /**
   * How it ended: 'reconnect' (the server's final event told the client to reconnect: a clean end),
   * 'stopped' (still open when the load stopped), or a cut: 'closed' (the server closed it without the final
   * event), an error code ('ECONNRESET', 'ECONNREFUSED', ...), 'timeout' (no event for too long), 'http_503'.
   */
  end: string;
  /**
   * How long the client went without a stream: from the end of its previous one to this one's first event
   * (null for its first stream, or when this one brought no event).
   */
  reconnectGapMs: number | null;
}

/** A stream the server did not end with its final event while the load was still running. */
export function isCut(stream: StreamSample): boolean {
  return stream.end !== 'reconnect' && stream.end !== 'stopped';
}
