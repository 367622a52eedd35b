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
  /** X-App-Version of the answer. */
  version: string | null;
  /** X-Pod-Name of the answer. */
  pod: string | null;
  /** X-Config-Hash of the answer: which configuration it was built from. */
  configHash: string | null;
}

/** A request failed unless it came back 200 with no error. */
export function isFailed(sample: RequestSample): boolean {
  return sample.error !== null || sample.status !== 200;
}
