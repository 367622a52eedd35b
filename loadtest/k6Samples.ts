import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { isFailed, type RequestSample } from './requestSample.js';
import {
  matchesStatus,
  ORDER_EXPECT,
  SAMPLE_REQUEST,
  type RequestShape,
  type StatusSet,
} from './requestShape.js';

/**
 * Turns k6's JSON output (`k6 run --out json=FILE`, one JSON object a line, documented at
 * https://grafana.com/docs/k6/latest/results-output/real-time/json/) into the request samples the
 * built-in generator records:
 *
 *   {"type":"Metric","data":{"name":"rollout_request","type":"trend",...},"metric":"rollout_request"}
 *   {"type":"Point","data":{"time":"2026-05-09T14:34:45.625742514+02:00","value":2004.1,
 *     "tags":{"status":"200","version":"1","pod":"hello-7c9f-abcde","scenario":"rollout"}},
 *    "metric":"rollout_request"}
 *
 * Only two metrics matter, both written by loadtest/rollout.k6.js or k6 itself:
 * - `rollout_request`: one point per request, stamped when the answer (or error) arrived, its
 *   value the whole request in ms, tagged with status, error_code/error and who answered.
 * - `dropped_iterations`: one point per request k6 never sent because no VU was free at its
 *   scheduled start. Each becomes a failed sample ('dropped'): load that did not go out is not
 *   load the rollout survived.
 *
 * k6 does not expose when a constant-arrival-rate iteration was scheduled, only when it started,
 * so scheduledAt = startedAt and latency counts from the actual start; an iteration k6 could not
 * start on time is the dropped one above.
 */

/** Our codes for k6's error codes (https://grafana.com/docs/k6/latest/javascript-api/error-codes/,
 * lib/netext/httpext/error_codes.go). Anything else keeps its number: `k6_<code>`. */
const k6Codes: Readonly<Record<number, string>> = {
  1050: 'timeout', // request timeout: no complete answer within the request's timeout
  1101: 'ENOTFOUND', // lookup: no such host
  1201: 'EPIPE', // broken pipe
  1211: 'timeout', // dial: i/o timeout (the timeout ran out while connecting)
  1212: 'ECONNREFUSED', // dial: connection refused
  1220: 'ECONNRESET', // connection reset by peer
};

/** What the codes only k6 produces mean, for reports (the rest are in loadtest/errorCode.ts). */
export const k6ErrorCodeMeaning: Readonly<Record<string, string>> = {
  dropped: 'k6 had no free VU at the scheduled start and never sent the request (dropped_iterations)',
};

/** Our error code for a k6 request, or null when it came back with a status it expects. */
export function k6ErrorCode(
  status: number,
  code: number | null,
  message: string | null,
  expected: StatusSet = SAMPLE_REQUEST.expect,
): string | null {
  // k6 sets error_code = 1000 + status for 4xx/5xx answers: then the status says it better. Any
  // other code is a network error, even after a status arrived (a body cut short).
  const networkError = code !== null && !(status >= 400 && code === 1000 + status);
  if (!networkError) {
    if (status > 0) return matchesStatus(expected, status) ? null : `http_${status}`;
    return 'error';
  }
  const mapped = k6Codes[code];
  if (mapped !== undefined) return mapped;
  // 1000 is k6's "anything else"; Go reports a server that closed the connection without an
  // answer as io.EOF ("EOF" / "unexpected EOF"), which loadtest/errorCode.ts calls socket_closed.
  if (code === 1000) return message !== null && /\bEOF\b/.test(message) ? 'socket_closed' : 'error';
  return `k6_${code}`;
}

const rfc3339 = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/i;

/**
 * Epoch ms of a k6 timestamp (Go's RFC 3339 with up to nanoseconds), keeping the sub-millisecond
 * digits Date.parse would drop. NaN when it is not one.
 */
export function parseK6Time(text: string): number {
  const m = rfc3339.exec(text);
  if (m === null) return Number.NaN;
  const whole = Date.parse(`${m[1]}${m[3]}`);
  return m[2] === undefined ? whole : whole + Number(`0${m[2]}`) * 1000;
}

interface PointData {
  time?: unknown;
  value?: unknown;
  tags?: Record<string, unknown> | null;
  /**
   * k6 writes a sample's metadata here (output/json/wrapper.go): the script puts each order's id in it, and
   * the version read from a body (one a regex found there: maybe not as few as a tag's values should be).
   */
  metadata?: Record<string, unknown> | null;
}

function tag(tags: Record<string, unknown> | null | undefined, name: string): string | null {
  const value = tags?.[name];
  return typeof value === 'string' && value !== '' ? value : null;
}

/** Where the script put the version: a header's is a tag, a body's is metadata (rollout.k6.js). */
function pointVersion(data: PointData, shape: RequestShape): string | null {
  if (shape.versionFrom.from === 'none') return null;
  if (shape.versionFrom.from === 'body') return tag(data.metadata, 'version');
  return tag(data.tags, 'version');
}

/** The sample for one `rollout_request` point, or null when the point is malformed. */
export function sampleFromPoint(data: PointData, shape: RequestShape = SAMPLE_REQUEST): RequestSample | null {
  const endedAt = typeof data.time === 'string' ? parseK6Time(data.time) : Number.NaN;
  const latencyMs = typeof data.value === 'number' ? data.value : Number.NaN;
  if (!Number.isFinite(endedAt) || !Number.isFinite(latencyMs)) return null;
  const status = Number(tag(data.tags, 'status') ?? 0) || 0;
  const codeTag = tag(data.tags, 'error_code');
  const code = codeTag === null ? null : Number(codeTag);
  const startedAt = endedAt - latencyMs;
  const post = tag(data.tags, 'kind') === 'post';
  const orderId = post ? tag(data.metadata, 'orderId') : null;
  return {
    scheduledAt: startedAt,
    startedAt,
    endedAt,
    latencyMs,
    status: status > 0 ? status : null,
    error: k6ErrorCode(
      status,
      code !== null && Number.isFinite(code) ? code : null,
      tag(data.tags, 'error'),
      post ? ORDER_EXPECT : shape.expect,
    ),
    version: pointVersion(data, shape),
    pod: tag(data.tags, 'pod'),
    configHash: tag(data.tags, 'config'),
    ...(post ? { kind: 'post' as const } : {}),
    ...(orderId !== null ? { orderId } : {}),
  };
}

function droppedSample(data: PointData): RequestSample | null {
  const at = typeof data.time === 'string' ? parseK6Time(data.time) : Number.NaN;
  if (!Number.isFinite(at)) return null;
  return {
    scheduledAt: at,
    startedAt: at,
    endedAt: at,
    latencyMs: 0,
    status: null,
    error: 'dropped',
    version: null,
    pod: null,
    configHash: null,
  };
}

/**
 * Reads k6 JSON lines one at a time and keeps the samples and running totals. Lines of other
 * metrics (a dozen per request: http_req_*, checks, iterations, ...) are skipped before parsing.
 */
export class K6SampleCollector {
  readonly samples: RequestSample[] = [];
  /** Requests that came back (with any status or error). */
  completed = 0;
  /** Samples that count as failed, dropped iterations included. */
  failed = 0;
  dropped = 0;
  /** Lines that mention our metrics but could not be read. */
  unreadable = 0;
  readonly byVersion: Record<string, number> = {};

  /** The shape the script was run with: what its answers expect and where their version is. */
  constructor(private readonly shape: RequestShape = SAMPLE_REQUEST) {}

  push(line: string): void {
    const isRequest = line.includes('"rollout_request"');
    if (!isRequest && !line.includes('"dropped_iterations"')) return;
    let parsed: { type?: unknown; metric?: unknown; data?: PointData };
    try {
      parsed = JSON.parse(line) as typeof parsed;
    } catch {
      this.unreadable++;
      return;
    }
    if (parsed.type !== 'Point' || typeof parsed.data !== 'object' || parsed.data === null) return;
    if (parsed.metric === 'rollout_request') this.addRequest(parsed.data);
    else if (parsed.metric === 'dropped_iterations') this.addDropped(parsed.data);
  }

  private addRequest(data: PointData): void {
    const sample = sampleFromPoint(data, this.shape);
    if (sample === null) {
      this.unreadable++;
      return;
    }
    this.samples.push(sample);
    this.completed++;
    if (isFailed(sample)) this.failed++;
    if (sample.status !== null) {
      const v = sample.version ?? 'unknown';
      this.byVersion[v] = (this.byVersion[v] ?? 0) + 1;
    }
  }

  private addDropped(data: PointData): void {
    const count = typeof data.value === 'number' ? data.value : 1;
    const sample = droppedSample(data);
    if (sample === null) {
      this.unreadable++;
      return;
    }
    // A point's value is the number dropped at that moment (k6 writes 1 per iteration).
    for (let i = 0; i < count; i++) this.samples.push({ ...sample });
    this.dropped += count;
    this.failed += count;
  }

  /** The samples ordered by start, the order the built-in generator returns them in. */
  sorted(): RequestSample[] {
    return [...this.samples].sort((a, b) => a.startedAt - b.startedAt);
  }
}

/** Streams a whole k6 JSON output file (it can hold a million lines) into a collector. */
export async function readK6Samples(path: string, shape?: RequestShape): Promise<K6SampleCollector> {
  const collector = new K6SampleCollector(shape);
  const lines = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of lines) collector.push(line);
  return collector;
}
