import { UsageError } from './flags/usageError.js';
import type { RequestMix } from './requestMix.js';

/**
 * How the load asks a service and how it tells its versions apart: what `npm run load`, the harness and k6
 * are told so that they can load any team's service, not only the sample one.
 */
export interface RequestShape {
  method: 'GET' | 'HEAD';
  /** Appended to the base URL's origin: `/`, `/health?deep=1`. */
  path: string;
  /** The statuses an answer succeeds with; any other fails as `http_<status>`. */
  expect: StatusSet;
  versionFrom: VersionSource;
}

/** Where the answering version is read: a response header, the first match of a regex in the body, or nowhere. */
export type VersionSource =
  { from: 'header'; name: string } | { from: 'body'; pattern: string } | { from: 'none' };

/** Statuses as whole classes (2 for 2xx) and single codes (204). */
export interface StatusSet {
  readonly classes: readonly number[];
  readonly codes: readonly number[];
}

/** The sample service: `GET /`, 200, the version in X-App-Version. The default everywhere. */
export const SAMPLE_REQUEST: RequestShape = {
  method: 'GET',
  path: '/',
  expect: { classes: [], codes: [200] },
  versionFrom: { from: 'header', name: 'x-app-version' },
};

/** A `POST /orders` of the --mix succeeds with 201 Created, whatever the shape expects of the other requests. */
export const ORDER_EXPECT: StatusSet = { classes: [], codes: [201] };

/** How much of a body is searched for the version: enough for any health or version document. */
export const VERSION_BODY_LIMIT = 64 * 1024;

export const REQUEST_METHODS = ['GET', 'HEAD'] as const;

const VERSION_FROM_FORMS = '--version-from must be header:NAME, body:REGEX or none';
/** RFC 9110's token: the characters a header name may hold. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `header:NAME | body:REGEX | none`; anything else is a UsageError of one plain line. */
export function parseVersionFrom(text: string): VersionSource {
  if (text === 'none') return { from: 'none' };
  const colon = text.indexOf(':');
  const kind = colon < 0 ? text : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (colon < 0 || rest === '') throw new UsageError(`${VERSION_FROM_FORMS}, got "${text}"`);
  if (kind === 'header') {
    if (!HEADER_NAME.test(rest))
      throw new UsageError(`--version-from header:${rest}: "${rest}" is not a header name`);
    // Node and undici hand headers over lowercased.
    return { from: 'header', name: rest.toLowerCase() };
  }
  if (kind === 'body') {
    try {
      new RegExp(rest);
    } catch (error) {
      // V8 says "Invalid regular expression: /(/: Unterminated group": the reason is the last part.
      const reason = (error as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '');
      throw new UsageError(`--version-from body:${rest} is not a valid regular expression: ${reason}`, {
        cause: error,
      });
    }
    return { from: 'body', pattern: rest };
  }
  throw new UsageError(`${VERSION_FROM_FORMS}, got "${text}"`);
}

export function formatVersionFrom(source: VersionSource): string {
  if (source.from === 'header') return `header:${source.name}`;
  if (source.from === 'body') return `body:${source.pattern}`;
  return 'none';
}

/**
 * The version in a body: the regex's first capture group when it has one, else the whole match; null when it
 * does not match (or the group took no part in the match).
 */
export function versionInBody(pattern: RegExp, body: string): string | null {
  const match = pattern.exec(body);
  if (match === null) return null;
  return (match.length > 1 ? match[1] : match[0]) ?? null;
}

/**
 * `2xx,3xx`, `200,204`, `2xx` → a StatusSet. Only 2xx and 3xx: a 4xx or 5xx answer is never a success, as k6's
 * http_req_failed counts it (200-399 expected) and the verdict judges it (requestSample.ts isFailed).
 */
export function parseExpectedStatuses(text: string): StatusSet {
  const classes = new Set<number>();
  const codes = new Set<number>();
  for (const item of text.split(',')) {
    const part = item.trim();
    const klass = /^([1-5])xx$/i.exec(part);
    const code = /^[1-5]\d\d$/.test(part) ? Number(part) : null;
    const hundreds = klass !== null ? Number(klass[1]) : code !== null ? Math.floor(code / 100) : null;
    if (hundreds === null)
      throw new UsageError(`--expect must be statuses such as 2xx,3xx or 200,204, got "${text}"`);
    if (hundreds !== 2 && hundreds !== 3)
      throw new UsageError(
        `--expect ${part}: only 2xx and 3xx answers can succeed (4xx and 5xx always fail)`,
      );
    if (klass !== null) classes.add(hundreds);
    else codes.add(code!);
  }
  const ascending = (a: number, b: number) => a - b;
  return { classes: [...classes].sort(ascending), codes: [...codes].sort(ascending) };
}

export function formatStatuses(set: StatusSet): string {
  return [...set.classes.map((c) => `${c}xx`), ...set.codes.map(String)].join(',');
}

export function matchesStatus(set: StatusSet, status: number): boolean {
  return set.codes.includes(status) || set.classes.includes(Math.floor(status / 100));
}

/** Settings that cannot go together, or a path that is none, as one plain line: the load tool and generators check. */
export function checkRequestShape(shape: RequestShape, mix?: RequestMix): void {
  if (!shape.path.startsWith('/'))
    throw new UsageError(`the request path must start with /, got "${shape.path}"`);
  if (shape.method !== 'HEAD') return;
  if (shape.versionFrom.from === 'body')
    throw new UsageError(
      '--version-from body:REGEX does not go with --method HEAD: a HEAD answer has no body',
    );
  if (mix !== undefined && mix.post > 0)
    throw new UsageError('--mix (POST /orders of the sample service) does not go with --method HEAD');
}
