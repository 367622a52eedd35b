import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLoad, type LoadOptions } from '../../../scripts/cli/createLoad.js';
import { UsageError } from '../../../scripts/errors.js';
import { SAMPLE_REQUEST } from '../../../loadtest/requestShape.js';

const options: LoadOptions = {
  rate: 10,
  keepAlive: true,
  requestTimeoutMs: 1000,
  warmupMs: 1000,
  cooldownMs: 1000,
  change: 'code',
  mix: { get: 80, post: 20 },
  streams: 0,
};

test('a request shape that contradicts the mix is bad usage when the load is made, before any request', () => {
  const head = { ...SAMPLE_REQUEST, method: 'HEAD' as const };
  for (const name of ['builtin', 'k6'] as const)
    assert.throws(
      () => createLoad(name, { ...options, request: head }, '/tmp/none'),
      (error: unknown) => error instanceof UsageError && /does not go with --method HEAD/.test(error.message),
    );
  assert.equal(
    typeof createLoad('builtin', { ...options, request: SAMPLE_REQUEST }, '/tmp/none'),
    'function',
  );
});
