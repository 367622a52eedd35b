import type { RequestMix } from './requestMix.js';
import { checkRequestShape, type RequestShape } from './requestShape.js';
import type { RequestSample } from './requestSample.js';

export interface OpenModelOptions {
  /** Where to send: only its origin is used (http://127.0.0.1:PORT). */
  baseUrl: string;
  /** Requests per second, held no matter how slowly the server answers. */
  rate: number;
  /** On: connections are reused. Off: every request opens, and closes, its own connection. */
  keepAlive: boolean;
  /** Whole-request budget from the moment it is sent; past it the request counts as 'timeout'. */
  timeoutMs: number;
  /** The schedule ends after this long... */
  maxDurationMs: number;
  /** ...or after this many requests, whichever comes first. */
  maxRequests: number;
  /** How to ask and how to tell versions apart (default SAMPLE_REQUEST: GET /, 200, X-App-Version). */
  request?: RequestShape;
  /** The share of `POST /orders` among the requests (default: GETs only). */
  mix?: RequestMix;
  /** Order ids are `<prefix>-<request index>` (default: one made from the start time). */
  orderIdPrefix?: string;
  /** Called once per request as it settles (the `load` tool streams each to its NDJSON file). */
  onSample?: (sample: RequestSample) => void;
}

/** Validates the settings (one plain line per bad value) and returns the parsed base URL. */
export function checkOpenModelOptions(o: OpenModelOptions): URL {
  let url: URL;
  try {
    url = new URL(o.baseUrl);
  } catch (error) {
    throw new RangeError(`baseUrl must be an http:// URL, got ${JSON.stringify(o.baseUrl)}`, {
      cause: error,
    });
  }
  if (url.protocol !== 'http:') throw new RangeError(`baseUrl must be an http:// URL, got ${o.baseUrl}`);
  if (!(o.rate > 0) || !Number.isFinite(o.rate)) throw new RangeError(`rate must be > 0, got ${o.rate}`);
  if (!(o.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${o.timeoutMs}`);
  if (!(o.maxDurationMs > 0)) throw new RangeError(`maxDurationMs must be > 0, got ${o.maxDurationMs}`);
  if (!Number.isInteger(o.maxRequests) || o.maxRequests < 1) {
    throw new RangeError(`maxRequests must be a whole number >= 1, got ${o.maxRequests}`);
  }
  if (o.request !== undefined) checkRequestShape(o.request, o.mix);
  return url;
}
