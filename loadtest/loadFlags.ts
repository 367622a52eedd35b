import { choiceFlag, numberFlag, textFlag } from './flags/flag.js';
import { flagHelp, usageLine } from './flags/flagHelp.js';
import { parseFlags } from './flags/parseFlags.js';
import { KEEP_ALIVE, mixFlag, RATE, STREAMS_RANGE, TIMEOUT } from './flags/sharedFlags.js';
import { UsageError } from './flags/usageError.js';
import { GET_ONLY, type RequestMix } from './requestMix.js';
import {
  checkRequestShape,
  formatStatuses,
  formatVersionFrom,
  parseExpectedStatuses,
  parseVersionFrom,
  REQUEST_METHODS,
  SAMPLE_REQUEST,
  type RequestShape,
} from './requestShape.js';

/** What `npm run load -- ...` was asked to do, validated. */
export interface LoadFlags {
  url: string;
  /** How each request asks (its path is --url's) and how its answer is read. */
  request: RequestShape;
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
}

function httpUrl(given: string): string {
  const valid = URL.canParse(given) && new URL(given).protocol === 'http:';
  if (!valid) throw new UsageError(`Invalid --url "${given}": expected an http:// URL.`);
  return given;
}

/** Every flag `npm run load` takes: parsing and --help read this. */
const LOAD_FLAGS = {
  url: textFlag({
    value: 'URL',
    required: 'e.g. http://127.0.0.1:8080/',
    parse: httpUrl,
    help: 'where to send: its path (and query) is what every request asks for',
  }),
  method: choiceFlag({ choices: REQUEST_METHODS, default: 'GET', help: 'the method of every request' }),
  expect: textFlag({
    value: 'STATUSES',
    help: 'the statuses that succeed, e.g. 2xx,3xx or 200,204; any other fails as http_<status>',
    shownDefault: formatStatuses(SAMPLE_REQUEST.expect),
    parse: parseExpectedStatuses,
  }),
  'version-from': textFlag({
    value: 'SOURCE',
    help: 'where the answering version is read: header:NAME, body:REGEX (first group, else the match) or none',
    shownDefault: formatVersionFrom(SAMPLE_REQUEST.versionFrom),
    parse: parseVersionFrom,
  }),
  rate: numberFlag({ ...RATE, required: 'requests per second', help: 'requests per second' }),
  duration: numberFlag({
    min: 0.1,
    max: 86_400,
    unit: 'seconds',
    value: 'S',
    required: 'seconds of load',
    help: 'seconds of load',
  }),
  'keep-alive': KEEP_ALIVE,
  timeout: TIMEOUT,
  out: textFlag({
    value: 'FILE',
    required: 'one NDJSON line per request',
    help: 'one NDJSON line per request',
  }),
  summary: textFlag({ value: 'FILE', help: "the run's figures as JSON, written at the end" }),
  mix: mixFlag('the share of POST /orders among the requests'),
  streams: numberFlag({ ...STREAMS_RANGE, default: 0, help: 'Server-Sent Event streams held open' }),
  'streams-out': textFlag({ value: 'FILE', help: 'one NDJSON line per stream (needed with --streams)' }),
};

export const LOAD_USAGE = `${usageLine('load', LOAD_FLAGS)}

Sends open-model load (N requests a second, whatever the server does) to URL for S seconds and writes one
NDJSON line per request to FILE: scheduled/started/ended times, latency, status or error, and the version and
pod that answered (--version-from, X-Pod-Name). SIGINT or SIGTERM stops the schedule; requests in flight still
finish (bounded by --timeout) and are written. Then a one-screen summary.

--mix get:80,post:20 makes one request in five a POST /orders with an id of its own (in its line, orderId),
expected to answer 201 (not with --method HEAD). --streams N holds N Server-Sent Event streams (GET /stream) open
beside the requests, each reconnecting as EventSource does when its stream ends; one NDJSON line per stream to
--streams-out. --version-from body:REGEX reads the first 64 KiB of each body; header:NAME and none read no body.

${flagHelp(LOAD_FLAGS)}

Exit status: 0 done, 2 bad usage.`;

/** What the tool prints once its signal handlers are in place and the schedule has begun. */
export const STARTED_LINE = 'load: started';

/** The flags, or null when --help asks for the usage instead. */
export function parseLoadFlags(argv: readonly string[]): LoadFlags | null {
  const flags = parseFlags(LOAD_FLAGS, argv);
  if (flags.help) return null;
  if (flags.streams > 0 && !flags['streams-out'])
    throw new UsageError('--streams needs --streams-out FILE (one NDJSON line per stream). See --help.');
  const url = new URL(flags.url);
  const request: RequestShape = {
    method: flags.method,
    path: `${url.pathname}${url.search}`,
    expect: flags.expect ?? SAMPLE_REQUEST.expect,
    versionFrom: flags['version-from'] ?? SAMPLE_REQUEST.versionFrom,
  };
  checkRequestShape(request, flags.mix ?? undefined);
  return {
    url: flags.url,
    request,
    rate: flags.rate,
    durationMs: flags.duration * 1000,
    keepAlive: flags['keep-alive'],
    timeoutMs: flags.timeout * 1000,
    out: flags.out,
    summary: flags.summary,
    mix: flags.mix ?? GET_ONLY,
    streams: flags.streams,
    streamsOut: flags['streams-out'],
  };
}
