/**
 * What every load generator writes per request (one NDJSON line each), and what the harness judges. All
 * times are milliseconds since the Unix epoch (fractional where measured with performance.now()).
 */
/** One request as the load generator saw it. */
export interface RequestSample {
  /** When the open model meant to send it. Latency counts from here, so a stalled sender can't hide. */
  scheduledAt: number;
  startedAt: number;
  endedAt: number;
  /** endedAt - scheduledAt. */
  latencyMs: number;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  /** Why it failed, or null: 'ECONNREFUSED', 'ECONNRESET', 'timeout', 'http_503', ... */
  error: string | null;
  /** The version that answered, read where the load's RequestShape says (default X-App-Version); null: unknown. */
  version: string | null;
  /** X-Pod-Name of the answer. */
  pod: string | null;
  /** X-Config-Hash of the answer: which configuration it was built from. */
  configHash: string | null;
  /** 'post': a `POST /orders` of the load's mix (absent: the short `GET`). */
  kind?: 'post';
  /** The POST's order id, chosen by the client, so the pods' logs tell whether it was processed. */
  orderId?: string;
}

/**
 * What each error code a sample may carry means, for reports that name the kinds of failure. Every generator
 * writes these: the built-in one (errorCode.ts) and k6 (k6Samples.ts) map what they saw onto them.
 */
export const ERROR_MEANINGS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: nothing listening (no ready endpoint, or the process is gone)',
  ECONNRESET: 'connection reset by the peer (RST) before the answer was complete',
  EPIPE: 'wrote to a connection the peer had already closed',
  socket_closed: 'the server closed the connection (FIN) without answering the request in full',
  timeout: 'no complete answer within the per-request timeout',
  aborted: 'the load generator gave up on the request when it stopped',
  bad_response: 'the answer was not valid HTTP',
  error: 'an error with no recognisable code',
};

/**
 * A request failed when it carries an error or got no answer. Every generator names an answer outside what the
 * request expected `http_<status>` (the expectation is the load's: a RequestShape's, 201 for an order), so an
 * accepted 204 or 302 counts as the success it was. A sample with no error but a 4xx or 5xx status (one made by
 * hand, or by an older generator) failed too: no expectation accepts those (requestShape.ts).
 */
export function isFailed(sample: RequestSample): boolean {
  return sample.error !== null || sample.status === null || sample.status < 200 || sample.status >= 400;
}
