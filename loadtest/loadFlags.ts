import { parseArgs } from 'node:util';
import { numberFlag, RATE_FLAG, STREAMS_FLAG } from './flags/numberFlag.js';
import { GET_ONLY, parseMix, type RequestMix } from './requestMix.js';

/** What `npm run load -- ...` was asked to do, validated. */
export interface LoadFlags {
  url: string;
  rate: number;
  durationMs: number;
  keepAlive: boolean;
  timeoutMs: number;
  /** One NDJSON line per request (a RequestSample), written as each settles. */
  out: string;
  /** The run's figures as JSON (schedule start, achieved rate, send lag), written at the end; optional. */
  summary: string | null;
  /** The share of `POST /orders` among the requests. */
  mix: RequestMix;
  /** Long-lived `GET /stream` clients held open beside the requests (0: none). */
  streams: number;
  /** One NDJSON line per stream (a StreamSample), written as each ends; required with --streams. */
  streamsOut: string | null;
  help: boolean;
}

export const LOAD_USAGE = `Usage: npm run load -- --url URL --rate N --duration S [--keep-alive on|off] [--timeout MS] --out FILE [--summary FILE]
                      [--mix get:P,post:Q] [--streams N --streams-out FILE]

Sends open-model load (N requests a second, whatever the server does) to URL for S seconds and writes one
NDJSON line per request to FILE: scheduled/started/ended times, latency, status or error, and the version and
pod that answered (X-App-Version, X-Pod-Name). SIGINT or SIGTERM stops the schedule; requests in flight still
finish (bounded by --timeout) and are written. Then a one-screen summary.

--mix get:80,post:20 makes one request in five a POST /orders with an id of its own (in its line, orderId),
expected to answer 201. --streams N holds N Server-Sent Event streams (GET /stream) open beside the requests,
each reconnecting as EventSource does when its stream ends; one NDJSON line per stream to --streams-out.
Exit status: 0 done, 2 bad usage.`;

/** What the tool prints once its signal handlers are in place and the schedule has begun. */
export const STARTED_LINE = 'load: started';

/** A bad flag: one plain line, exit 2. */
export class LoadUsageError extends Error {
  override name = 'LoadUsageError';
}

const usageError = (message: string) => new LoadUsageError(message);

/** A number flag within [min, max]; `fallback` null makes it required. */
function number(flag: string, raw: string | undefined, fallback: number | null, min: number, max: number) {
  return numberFlag({ name: flag, min, max, unit: 'a number', fallback }, raw, usageError);
}

/** Every flag `load` takes (parseArgs' table: what each one means is in LOAD_USAGE). */
const LOAD_ARGS = {
  url: { type: 'string' },
  rate: { type: 'string' },
  duration: { type: 'string' },
  'keep-alive': { type: 'string' },
  timeout: { type: 'string' },
  out: { type: 'string' },
  summary: { type: 'string' },
  mix: { type: 'string' },
  streams: { type: 'string' },
  'streams-out': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readLoadArgs(argv: readonly string[]): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: LOAD_ARGS }).values;
  } catch (error) {
    throw new LoadUsageError(`${String((error as Error).message).split('. ')[0]}. See --help.`, {
      cause: error,
    });
  }
}

export function parseLoadFlags(argv: readonly string[]): LoadFlags {
  const values = readLoadArgs(argv);
  const text = (name: string) => values[name] as string | undefined;
  if (values.help === true) {
    return {
      url: '',
      rate: 0,
      durationMs: 0,
      keepAlive: true,
      timeoutMs: 0,
      out: '',
      summary: null,
      mix: GET_ONLY,
      streams: 0,
      streamsOut: null,
      help: true,
    };
  }
  const url = text('url');
  if (!url) throw new LoadUsageError('--url is required (e.g. http://127.0.0.1:8080/). See --help.');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new LoadUsageError(`Invalid --url "${url}": expected an http:// URL.`);
  }
  if (parsed.protocol !== 'http:')
    throw new LoadUsageError(`Invalid --url "${url}": expected an http:// URL.`);
  const keepAlive = text('keep-alive') ?? 'on';
  if (keepAlive !== 'on' && keepAlive !== 'off')
    throw new LoadUsageError(`Invalid --keep-alive "${keepAlive}": expected on, off.`);
  const out = text('out');
  if (!out) throw new LoadUsageError('--out FILE is required (one NDJSON line per request). See --help.');
  const streams = numberFlag(STREAMS_FLAG, text('streams'), usageError);
  const streamsOut = text('streams-out') ?? null;
  if (streams > 0 && !streamsOut)
    throw new LoadUsageError('--streams needs --streams-out FILE (one NDJSON line per stream). See --help.');
  return {
    url,
    rate: numberFlag({ ...RATE_FLAG, fallback: null }, text('rate'), usageError),
    durationMs: number('duration', text('duration'), null, 0.1, 86_400) * 1000,
    keepAlive: keepAlive === 'on',
    timeoutMs: number('timeout', text('timeout'), 10_000, 1, 600_000),
    out,
    summary: text('summary') ?? null,
    mix: mixFlag(text('mix')),
    streams,
    streamsOut,
    help: false,
  };
}

function mixFlag(raw: string | undefined): RequestMix {
  if (raw === undefined) return GET_ONLY;
  try {
    return parseMix(raw);
  } catch (error) {
    throw new LoadUsageError((error as Error).message, { cause: error });
  }
}
