import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * k6 can't be installed here, so the script runs under Node with the three k6 modules it imports
 * replaced by recorders: this checks its options, the thresholds, and the tags every request
 * leaves in the output, which loadtest/k6Samples.ts depends on. k6's own behaviour is not tested.
 */
const source = readFileSync(
  fileURLToPath(new URL('../../../loadtest/rollout.k6.js', import.meta.url)),
  'utf8',
);

interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body?: string;
  error?: string;
  error_code?: number;
}

interface Calls {
  gets: { url: string; params: Record<string, unknown> }[];
  heads: { url: string; params: Record<string, unknown> }[];
  posts: { url: string; body: string; params: Record<string, unknown> }[];
  checks: Record<string, boolean>[];
  metrics: { name: string; value: number; tags: Record<string, string>; metadata: Record<string, string> }[];
}

interface ScriptModule {
  options: {
    scenarios: { rollout: Record<string, unknown> };
    thresholds: Record<string, string[]>;
    noConnectionReuse: boolean;
    discardResponseBodies: boolean;
    maxRedirects: number;
  };
  default: () => void;
  handleSummary: (data: unknown) => Record<string, string>;
}

const stubs = {
  'k6-http.mjs': `export default {
  get(url, params) { globalThis.k6calls.gets.push({ url, params }); return globalThis.k6next(); },
  head(url, params) { globalThis.k6calls.heads.push({ url, params }); return globalThis.k6next(); },
  post(url, body, params) { globalThis.k6calls.posts.push({ url, body, params }); return globalThis.k6next(); },
};`,
  // k6/execution: each call of the default function is the next iteration of the test.
  'k6-execution.mjs': `export default { scenario: { get iterationInTest() { return globalThis.k6iteration; } }, vu: { metrics: { metadata: {} } } };`,
  'k6.mjs': `export function check(res, sets) { const r = {}; for (const [k, f] of Object.entries(sets)) r[k] = f(res); globalThis.k6calls.checks.push(r); return Object.values(r).every(Boolean); }`,
  'k6-metrics.mjs': `import exec from './k6-execution.mjs';
class Metric { constructor(name) { this.name = name; } add(value, tags) { globalThis.k6calls.metrics.push({ name: this.name, value, tags: { ...tags }, metadata: { ...exec.vu.metrics.metadata } }); } }
export class Counter extends Metric {}
export class Trend extends Metric {}`,
};

let loads = 0;

async function load(t: { after: (fn: () => void) => void }, env: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), 'k6script-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(stubs)) writeFileSync(join(dir, name), text);
  const rewritten = source
    .replace(`from 'k6/http'`, `from './k6-http.mjs'`)
    .replace(`from 'k6/execution'`, `from './k6-execution.mjs'`)
    .replace(`from 'k6/metrics'`, `from './k6-metrics.mjs'`)
    .replace(`from 'k6'`, `from './k6.mjs'`);
  const file = join(dir, `rollout${loads++}.mjs`);
  writeFileSync(file, rewritten);
  const calls: Calls = { gets: [], heads: [], posts: [], checks: [], metrics: [] };
  const g = globalThis as Record<string, unknown>;
  g.__ENV = env;
  g.k6calls = calls;
  g.k6iteration = 0;
  t.after(() => {
    delete g.__ENV;
    delete g.k6calls;
    delete g.k6next;
    delete g.k6iteration;
  });
  const mod = (await import(pathToFileURL(file).href)) as ScriptModule;
  const answer = (res: FakeResponse) => {
    g.k6next = () => res;
    mod.default();
    g.k6iteration = (g.k6iteration as number) + 1;
  };
  return { mod, calls, answer };
}

test('holds an open-model rate with the thresholds the proof needs', async (t) => {
  const { mod } = await load(t, {
    RATE: '20',
    DURATION: '90s',
    TIMEOUT: '5s',
    BASE_URL: 'http://127.0.0.1:8080/',
  });
  assert.deepEqual(mod.options.scenarios.rollout, {
    executor: 'constant-arrival-rate',
    rate: 20,
    timeUnit: '1s',
    duration: '90s',
    preAllocatedVUs: 60,
    maxVUs: 120,
    gracefulStop: '6s',
  });
  assert.deepEqual(mod.options.thresholds, {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    dropped_iterations: ['count==0'],
    'responses{version:1}': ['count>0'],
    'responses{version:2}': ['count>0'],
  });
  assert.equal(mod.options.noConnectionReuse, false);
  assert.equal(mod.options.discardResponseBodies, true);
});

test('a configuration-only change needs answers from version 1 only (VERSIONS=1)', async (t) => {
  const { mod } = await load(t, { VERSIONS: '1' });
  assert.deepEqual(
    Object.keys(mod.options.thresholds).filter((name) => name.startsWith('responses')),
    ['responses{version:1}'],
  );
});

test('opens a connection per request with KEEP_ALIVE=off and takes VU counts from the environment', async (t) => {
  const { mod } = await load(t, { KEEP_ALIVE: 'off', PRE_ALLOCATED_VUS: '7', MAX_VUS: '9' });
  assert.equal(mod.options.noConnectionReuse, true);
  assert.equal(mod.options.scenarios.rollout.preAllocatedVUs, 7);
  assert.equal(mod.options.scenarios.rollout.maxVUs, 9);
});

test('rejects a RATE or TIMEOUT that is not one', async (t) => {
  await assert.rejects(load(t, { RATE: 'fast' }), /RATE must be a whole number >= 1, got "fast"/);
  await assert.rejects(load(t, { TIMEOUT: 'soon' }), /TIMEOUT must be a duration such as 10s or 1500ms/);
});

test('tags every request with its status, who answered and from which configuration, and counts answers by version', async (t) => {
  const { calls, answer } = await load(t, { BASE_URL: 'http://127.0.0.1:8080/', TIMEOUT: '3s' });
  answer({
    status: 200,
    headers: { 'X-App-Version': '2', 'X-Pod-Name': 'hello-v2-x', 'X-Config-Hash': '0eefdf99' },
  });
  assert.deepEqual(calls.gets, [{ url: 'http://127.0.0.1:8080/', params: { timeout: '3s' } }]);
  assert.deepEqual(calls.checks, [
    { 'status is 200 (201 for an order)': true, 'X-App-Version present': true },
  ]);
  assert.equal(calls.metrics.length, 2);
  assert.equal(calls.metrics[0]!.name, 'rollout_request');
  assert.deepEqual(calls.metrics[0]!.tags, {
    status: '200',
    version: '2',
    pod: 'hello-v2-x',
    config: '0eefdf99',
  });
  assert.deepEqual(calls.metrics[1], { name: 'responses', value: 1, tags: { version: '2' }, metadata: {} });
});

test('records a refused connection with k6 error code and message, and fails both checks', async (t) => {
  const { calls, answer } = await load(t, {});
  answer({ status: 0, headers: {}, error: 'dial: connection refused', error_code: 1212 });
  assert.deepEqual(calls.checks, [
    { 'status is 200 (201 for an order)': false, 'X-App-Version present': false },
  ]);
  assert.deepEqual(calls.metrics, [
    {
      name: 'rollout_request',
      value: calls.metrics[0]!.value,
      tags: { status: '0', error_code: '1212', error: 'dial: connection refused' },
      metadata: {},
    },
  ]);
});

test('with POST_PERCENT=20 every fifth iteration is a POST /orders with an id of its own, in the metadata, not a tag', async (t) => {
  const { calls, answer } = await load(t, { POST_PERCENT: '20', ORDER_ID_PREFIX: 'run1' });
  const answered = { 'X-App-Version': '1', 'X-Pod-Name': 'hello-v1-x' };
  for (let i = 0; i < 10; i++) answer({ status: calls.gets.length === 4 ? 201 : 200, headers: answered });
  assert.equal(calls.gets.length, 8);
  assert.deepEqual(
    calls.posts.map((post) => [post.url, JSON.parse(post.body)]),
    [
      ['http://127.0.0.1:8080/orders', { id: 'run1-4' }],
      ['http://127.0.0.1:8080/orders', { id: 'run1-9' }],
    ],
  );
  const orders = calls.metrics.filter((m) => m.name === 'rollout_request' && m.tags.kind === 'post');
  assert.deepEqual(
    orders.map((m) => m.metadata),
    [{ orderId: 'run1-4' }, { orderId: 'run1-9' }],
  );
  assert.ok(calls.metrics.every((m) => !('orderId' in m.tags)));
  // Metadata set for one request is gone before the next: only the orders carry an id.
  assert.equal(calls.metrics.filter((m) => 'orderId' in m.metadata).length, 2);
  // The 5th iteration's order came back 201, the 10th's 200: only the first is what an order expects.
  assert.deepEqual(
    calls.checks.filter((_, i) => i === 4 || i === 9).map((c) => c['status is 200 (201 for an order)']),
    [true, false],
  );
});

test('rejects a POST_PERCENT that is not a share', async (t) => {
  await assert.rejects(load(t, { POST_PERCENT: '120' }), /POST_PERCENT must be a whole number from 0 to 100/);
});

test('writes the summary data to SUMMARY_PATH and the threshold outcome to stdout', async (t) => {
  const { mod } = await load(t, { SUMMARY_PATH: '/tmp/out/k6-summary.json' });
  const data = {
    metrics: {
      http_req_failed: { thresholds: { 'rate==0': { ok: true } } },
      'responses{version:2}': { thresholds: { 'count>0': { ok: false } } },
      rollout_request: { values: { count: 12 } },
    },
  };
  const out = mod.handleSummary(data);
  assert.deepEqual(Object.keys(out).sort(), ['/tmp/out/k6-summary.json', 'stdout']);
  assert.deepEqual(JSON.parse(out['/tmp/out/k6-summary.json']!), data);
  assert.equal(
    out.stdout,
    '\nk6 thresholds:\n  ok   http_req_failed: rate==0\n  FAIL responses{version:2}: count>0\nrequests recorded: 12\n',
  );
});

test('follows no redirect, as the built-in generator: the first answer is the one judged', async (t) => {
  const { mod } = await load(t, {});
  assert.equal(mod.options.maxRedirects, 0);
});

test('with METHOD=HEAD and REQUEST_PATH it asks HEAD for that path, and EXPECT=2xx,3xx accepts a 302', async (t) => {
  const { mod, calls, answer } = await load(t, {
    BASE_URL: 'http://127.0.0.1:8080/',
    METHOD: 'HEAD',
    REQUEST_PATH: '/health?deep=1',
    EXPECT: '2xx,3xx',
    VERSION_FROM: 'header:X-Build',
  });
  answer({ status: 302, headers: { 'X-Build': 'b7', 'X-Pod-Name': 'svc-1' } });
  answer({ status: 404, headers: {} });
  assert.deepEqual(calls.gets, []);
  assert.deepEqual(
    calls.heads.map((h) => [h.url, h.params]),
    Array(2).fill(['http://127.0.0.1:8080/health?deep=1', { timeout: '10s' }]),
  );
  assert.deepEqual(calls.checks, [
    { 'status is 2xx,3xx (201 for an order)': true, 'X-Build present': true },
    { 'status is 2xx,3xx (201 for an order)': false, 'X-Build present': false },
  ]);
  assert.deepEqual(calls.metrics[0]!.tags, { status: '302', version: 'b7', pod: 'svc-1' });
  assert.deepEqual(calls.metrics[1], { name: 'responses', value: 1, tags: { version: 'b7' }, metadata: {} });
  assert.deepEqual(mod.options.thresholds['responses{version:2}'], ['count>0']);
});

test("with VERSION_FROM=body it keeps this request's body and puts the version found in metadata, not a tag", async (t) => {
  const { calls, answer } = await load(t, { VERSION_FROM: 'body:"version":"([^"]+)"', TIMEOUT: '3s' });
  answer({ status: 200, headers: { 'X-App-Version': '9' }, body: '{"version":"2.1.0"}' });
  answer({ status: 200, headers: {}, body: 'no version' });
  assert.deepEqual(calls.gets[0]!.params, { timeout: '3s', responseType: 'text' });
  assert.deepEqual(
    calls.checks.map((c) => c['version in body']),
    [true, false],
  );
  const requests = calls.metrics.filter((m) => m.name === 'rollout_request');
  assert.deepEqual(
    requests.map((m) => [m.tags.version, m.metadata]),
    [
      [undefined, { version: '2.1.0' }],
      [undefined, {}],
    ],
  );
  assert.deepEqual(
    calls.metrics.filter((m) => m.name === 'responses').map((m) => m.tags),
    [{ version: '2.1.0' }],
  );
});

test('with VERSION_FROM=none no version must answer: no version check, no threshold per version', async (t) => {
  const { mod, calls, answer } = await load(t, { VERSION_FROM: 'none', VERSIONS: '1,2' });
  answer({ status: 200, headers: { 'X-App-Version': '2' } });
  assert.deepEqual(calls.checks, [{ 'status is 200 (201 for an order)': true }]);
  assert.deepEqual(mod.options.thresholds, {
    http_req_failed: ['rate==0'],
    checks: ['rate==1'],
    dropped_iterations: ['count==0'],
  });
  assert.deepEqual(
    calls.metrics.map((m) => [m.name, m.tags.version]),
    [['rollout_request', undefined]],
  );
});

test('rejects a METHOD, REQUEST_PATH, EXPECT or VERSION_FROM that is not one, or a HEAD with a body version', async (t) => {
  await assert.rejects(load(t, { METHOD: 'POST' }), /METHOD must be one of GET, HEAD, got "POST"/);
  await assert.rejects(load(t, { REQUEST_PATH: 'health' }), /REQUEST_PATH must start with \//);
  await assert.rejects(load(t, { EXPECT: '2xx,404' }), /EXPECT must be 2xx or 3xx statuses/);
  await assert.rejects(
    load(t, { VERSION_FROM: 'cookie:v' }),
    /VERSION_FROM must be header:NAME, body:REGEX or none/,
  );
  await assert.rejects(
    load(t, { METHOD: 'HEAD', VERSION_FROM: 'body:v' }),
    /VERSION_FROM=body does not go with METHOD=HEAD/,
  );
});
