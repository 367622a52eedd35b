import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isFailed, type RequestSample } from '../../loadtest/requestSample.js';

const sample = (o: Partial<RequestSample>): RequestSample => ({
  scheduledAt: 0,
  startedAt: 0,
  endedAt: 1,
  latencyMs: 1,
  status: 200,
  error: null,
  version: '1',
  pod: 'p',
  configHash: null,
  ...o,
});

test('an answer the generator accepted (a 204 or 302 with --expect 2xx,3xx, a 201 order) is not failed', () => {
  for (const status of [200, 201, 204, 302])
    assert.equal(isFailed(sample({ status })), false, String(status));
  assert.equal(isFailed(sample({ status: 201, kind: 'post', orderId: 'o-1' })), false);
});

test('an answer the generator named http_<status> is failed, whatever its status', () => {
  assert.equal(isFailed(sample({ status: 204, error: 'http_204' })), true);
  assert.equal(isFailed(sample({ status: 200, kind: 'post', error: 'http_200' })), true);
});

test('no answer, or a 4xx or 5xx even without an error, is failed', () => {
  assert.equal(isFailed(sample({ status: null, error: 'ECONNREFUSED' })), true);
  assert.equal(isFailed(sample({ status: null })), true);
  assert.equal(isFailed(sample({ status: 503 })), true);
  assert.equal(isFailed(sample({ status: 404 })), true);
});
