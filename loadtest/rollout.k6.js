// Load for a rolling update, for k6 (https://grafana.com/docs/k6/latest/). Plain JavaScript run by
// k6 itself, not by Node: not compiled by tsc. k6 versions: v1.x and v2.x (written against v2.2; what it
// relies on is listed in loadtest/k6Versions.ts). The harness runs it as
//   k6 run --out json=FILE -e BASE_URL=... -e RATE=... -e DURATION=... loadtest/rollout.k6.js
// and turns the JSON output into the same request samples as the built-in generator
// (loadtest/k6Samples.ts). Run it by hand the same way; thresholds are always on: a run with
// --no-thresholds proves nothing.
//
// Environment (k6 -e NAME=value):
//   BASE_URL           where to send                (default http://127.0.0.1:8080)
//   METHOD             GET or HEAD                  (default GET)
//   REQUEST_PATH       what each request asks for, after BASE_URL (default /)
//   EXPECT             statuses that succeed, e.g. 2xx,3xx or 200,204; only 2xx and 3xx (default 200)
//   VERSION_FROM       where the answering version is: header:NAME, body:REGEX (its first group, else the
//                      match, in the first 64 KiB of the body) or none (default header:X-App-Version); with
//                      none, no version must answer and VERSIONS is not used
//   RATE               requests per second          (default 50)
//   DURATION           how long, k6 duration syntax (default 60s); the harness passes a generous
//                      upper bound and stops k6 with one SIGINT when its cool-down ends
//   TIMEOUT            per-request timeout          (default 10s)
//   KEEP_ALIVE         'off' opens a connection per request (default on)
//   PRE_ALLOCATED_VUS  VUs made before the start    (default RATE × 3: v1 answers after 2 s)
//   MAX_VUS            VUs k6 may add when answers slow down (default RATE × (TIMEOUT + 1 s))
//   SUMMARY_PATH       where handleSummary writes the summary JSON (default: not written)
//   VERSIONS           versions that must answer, comma-separated (default 1,2; a configuration-only
//                      change keeps version 1: VERSIONS=1; empty: none)
//   POST_PERCENT       share of the requests that are POST /orders, 0-100 (default 0: GETs only); they
//                      are spread evenly, as the built-in generator's --mix (loadtest/requestMix.ts)
//   ORDER_ID_PREFIX    each order's id is PREFIX-<iteration>, so the pods' logs tell which were processed
//                      (default: k6 and the start time)

import http from 'k6/http';
import exec from 'k6/execution';
import { check } from 'k6';
import { Counter, Trend } from 'k6/metrics';

const baseUrl = (__ENV.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');
const rate = positiveInt('RATE', 50);
const duration = __ENV.DURATION || '60s';
const timeout = __ENV.TIMEOUT || '10s';
const timeoutSeconds = seconds('TIMEOUT', timeout);
const preAllocatedVUs = positiveInt('PRE_ALLOCATED_VUS', rate * 3);
const maxVUs = Math.max(preAllocatedVUs, positiveInt('MAX_VUS', Math.ceil(rate * (timeoutSeconds + 1))));
const keepAlive = (__ENV.KEEP_ALIVE || 'on') !== 'off';
// Given empty, no version is required (an app that spells its versions its own way: npm run prove).
const versions = (__ENV.VERSIONS === undefined ? '1,2' : __ENV.VERSIONS).split(',').filter((v) => v !== '');
const postPercent = percent('POST_PERCENT', 0);
const orderIdPrefix = __ENV.ORDER_ID_PREFIX || `k6${Date.now().toString(36)}`;
const method = oneOf('METHOD', ['GET', 'HEAD'], 'GET');
const requestPath = __ENV.REQUEST_PATH || '/';
if (!requestPath.startsWith('/')) throw new Error(`REQUEST_PATH must start with /, got "${requestPath}"`);
const expectText = __ENV.EXPECT || '200';
const expected = statuses('EXPECT', expectText);
const versionFrom = source('VERSION_FROM', __ENV.VERSION_FROM || 'header:X-App-Version');
if (method === 'HEAD' && versionFrom.body) throw new Error('VERSION_FROM=body does not go with METHOD=HEAD');
if (method === 'HEAD' && postPercent > 0) throw new Error('POST_PERCENT does not go with METHOD=HEAD');
/** As loadtest/requestShape.ts VERSION_BODY_LIMIT. */
const bodyLimit = 64 * 1024;

/** Answers counted by the version that gave them: thresholds below need every version in VERSIONS. */
const responses = new Counter('responses');

/**
 * One point per request, the record loadtest/k6Samples.ts turns into a sample. k6's own
 * http_req_* points carry status and error code but never response headers, and
 * http_req_duration leaves out the time spent connecting; this Trend carries the whole
 * request as the caller saw it, tagged with who answered. Tags, not metadata: pods and versions
 * are few, so the series stay few.
 */
const requestTime = new Trend('rollout_request', true);

export const options = {
  scenarios: {
    rollout: {
      // Open model: iterations start on schedule whatever the server does, so a stall shows up as
      // slow or failed requests instead of a quietly slower sender. When no VU is free at a
      // scheduled start, k6 skips that iteration and counts it in dropped_iterations
      // (https://grafana.com/docs/k6/latest/using-k6/scenarios/concepts/dropped-iterations/).
      executor: 'constant-arrival-rate',
      rate,
      timeUnit: '1s',
      duration,
      preAllocatedVUs,
      maxVUs,
      // At the natural end, requests in flight may run to their timeout before k6 stops them.
      gracefulStop: `${Math.ceil(timeoutSeconds) + 1}s`,
    },
  },
  noConnectionReuse: !keepAlive,
  // k6 follows up to 10 redirects by default and reports the last answer; the built-in generator does not
  // follow any. The first answer is the one judged, so an EXPECT of 3xx means what it says.
  maxRedirects: 0,
  // Only the headers matter, unless the version is in the body (read per request then): bodies cost memory.
  discardResponseBodies: true,
  thresholds: {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    // dropped_iterations is only emitted when an iteration is dropped. k6 marks every metric with
    // a threshold as observed and, at the end of the run, evaluates thresholds on empty metrics
    // too (internal/metrics/engine/engine.go, evaluateThresholds(false, ...)): an empty counter
    // has count 0, so this passes when nothing was dropped and the ones for each version fail when
    // that version never answered. abortOnFail stays off: the run must cover the whole rollout.
    dropped_iterations: ['count==0'],
    ...(versionFrom.none ? {} : versionThresholds(versions)),
  },
};

/** `responses{version:N}: count>0` for each version that must answer. */
function versionThresholds(list) {
  const thresholds = {};
  for (const version of list) thresholds[`responses{version:${version}}`] = ['count>0'];
  return thresholds;
}

export default function () {
  // The iteration's number across the whole test decides its kind: the same spread on every run.
  const index = exec.scenario.iterationInTest;
  const orderId = isPost(index) ? `${orderIdPrefix}-${index}` : null;
  const started = Date.now();
  const res =
    orderId === null
      ? ask()
      : http.post(`${baseUrl}/orders`, JSON.stringify({ id: orderId }), {
          timeout,
          headers: { 'Content-Type': 'application/json' },
          // A 201 is this request's success; k6 counts only 200-399 as expected by default anyway.
          tags: { name: 'POST /orders' },
        });
  const elapsed = Date.now() - started;

  const version = answeredVersion(res);
  const pod = header(res, 'X-Pod-Name');
  const config = header(res, 'X-Config-Hash');

  const checks = {
    [`status is ${expectText} (201 for an order)`]: (r) =>
      orderId === null ? matches(r.status) : r.status === 201,
  };
  if (!versionFrom.none) checks[versionFrom.check] = () => version !== null;
  check(res, checks);

  const tags = { status: String(res.status) };
  if (orderId !== null) tags.kind = 'post';
  // A header's versions are few, a tag; what a body regex finds may not be: metadata (see below).
  if (version !== null && versionFrom.header) tags.version = version;
  if (pod !== null) tags.pod = pod;
  if (config !== null) tags.config = config;
  // error_code: https://grafana.com/docs/k6/latest/javascript-api/error-codes/ (1212 refused,
  // 1220 reset, 1050 timeout, 1000 + HTTP status for 4xx/5xx answers, ...).
  if (res.error_code) tags.error_code = String(res.error_code);
  if (res.error) tags.error = res.error;
  // An id per request would make a time series per request as a tag; metadata is made for that
  // (https://grafana.com/docs/k6/latest/javascript-api/k6-execution/#vu, metrics.metadata).
  if (orderId !== null) exec.vu.metrics.metadata.orderId = orderId;
  if (version !== null && versionFrom.body) exec.vu.metrics.metadata.version = version;
  requestTime.add(elapsed, tags);
  delete exec.vu.metrics.metadata.orderId;
  delete exec.vu.metrics.metadata.version;
  if (version !== null) responses.add(1, { version });
}

/** The request of the load: METHOD REQUEST_PATH, its body kept only when the version is read from it. */
function ask() {
  const url = `${baseUrl}${requestPath}`;
  if (method === 'HEAD') return http.head(url, { timeout });
  // responseType 'text' keeps this request's body despite discardResponseBodies.
  return http.get(url, versionFrom.body ? { timeout, responseType: 'text' } : { timeout });
}

/** The version that answered, read where VERSION_FROM says; null when it is not there. */
function answeredVersion(res) {
  // Header names arrive in Go's canonical form ("X-App-Version"), see the Response docs:
  // https://grafana.com/docs/k6/latest/javascript-api/k6-http/response/; header() ignores case.
  if (versionFrom.header) return header(res, versionFrom.header);
  if (!versionFrom.body) return null;
  const match = versionFrom.body.exec(String(res.body || '').slice(0, bodyLimit));
  if (match === null) return null;
  const found = match.length > 1 ? match[1] : match[0];
  return found === undefined ? null : found;
}

function matches(status) {
  return expected.codes.includes(status) || expected.classes.includes(Math.floor(status / 100));
}

/** Whether iteration `index` is a POST: integer arithmetic, as loadtest/requestMix.ts isPost. */
function isPost(index) {
  return Math.floor(((index + 1) * postPercent) / 100) > Math.floor((index * postPercent) / 100);
}

/**
 * Replaces k6's end-of-test summary: the full data goes to SUMMARY_PATH for the harness, and a
 * short plain-text verdict of every threshold to stdout. k6's textSummary lives in a remote
 * jslib (https://jslib.k6.io/k6-summary/...), which k6 downloads at start; this script needs
 * no network beyond the target.
 */
export function handleSummary(data) {
  const out = { stdout: thresholdLines(data) };
  if (__ENV.SUMMARY_PATH) out[__ENV.SUMMARY_PATH] = JSON.stringify(data, null, 2);
  return out;
}

function thresholdLines(data) {
  const lines = ['', 'k6 thresholds:'];
  const metrics = data.metrics || {};
  for (const name of Object.keys(metrics).sort()) {
    const thresholds = metrics[name].thresholds || {};
    for (const expr of Object.keys(thresholds)) {
      lines.push(`  ${thresholds[expr].ok ? 'ok  ' : 'FAIL'} ${name}: ${expr}`);
    }
  }
  const reqs = metrics.rollout_request;
  if (reqs && reqs.values) lines.push(`requests recorded: ${reqs.values.count}`);
  return lines.join('\n') + '\n';
}

function header(res, name) {
  const headers = res.headers || {};
  if (headers[name] !== undefined) return String(headers[name]);
  const wanted = name.toLowerCase();
  for (const key of Object.keys(headers)) {
    if (key.toLowerCase() === wanted) return String(headers[key]);
  }
  return null;
}

function oneOf(name, choices, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  if (!choices.includes(raw)) throw new Error(`${name} must be one of ${choices.join(', ')}, got "${raw}"`);
  return raw;
}

/** `2xx,3xx`, `200,204`: as loadtest/requestShape.ts parseExpectedStatuses, only 2xx and 3xx. */
function statuses(name, text) {
  const set = { classes: [], codes: [] };
  for (const part of String(text).split(',')) {
    const item = part.trim();
    if (/^[23]xx$/i.test(item)) set.classes.push(Number(item[0]));
    else if (/^[23]\d\d$/.test(item)) set.codes.push(Number(item));
    else throw new Error(`${name} must be 2xx or 3xx statuses such as 2xx,3xx or 200,204, got "${text}"`);
  }
  return set;
}

/** `header:NAME`, `body:REGEX` or `none`, as loadtest/requestShape.ts parseVersionFrom. */
function source(name, text) {
  if (text === 'none') return { none: true };
  const colon = text.indexOf(':');
  const kind = colon < 0 ? '' : text.slice(0, colon);
  const rest = text.slice(colon + 1);
  if (kind === 'header' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(rest))
    return { header: rest, check: `${rest} present` };
  if (kind === 'body' && rest !== '') return { body: new RegExp(rest), check: 'version in body' };
  throw new Error(`${name} must be header:NAME, body:REGEX or none, got "${text}"`);
}

function positiveInt(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1)
    throw new Error(`${name} must be a whole number >= 1, got "${raw}"`);
  return value;
}

function percent(name, fallback) {
  const raw = __ENV[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 100)
    throw new Error(`${name} must be a whole number from 0 to 100, got "${raw}"`);
  return value;
}

/** Seconds in a k6 duration string such as '10s', '1500ms', '1m30s'. */
function seconds(name, text) {
  const units = { ms: 0.001, s: 1, m: 60, h: 3600 };
  const whole = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h))+$/;
  if (!whole.test(String(text)))
    throw new Error(`${name} must be a duration such as 10s or 1500ms, got "${text}"`);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) total += Number(m[1]) * units[m[2]];
  return total;
}
