import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestSample } from '../../../scripts/model.js';
import { processedOrderIds } from '../../../scripts/processedOrders.js';
import { joinOrders } from '../../../scripts/verdict/joinOrders.js';

function order(orderId: string, outcome: 'ok' | 'reset' | 'http_503'): RequestSample {
  return {
    scheduledAt: 0,
    startedAt: 0,
    endedAt: 1,
    latencyMs: 1,
    status: outcome === 'ok' ? 201 : outcome === 'http_503' ? 503 : null,
    error: outcome === 'ok' ? null : outcome === 'reset' ? 'ECONNRESET' : 'http_503',
    version: '1',
    pod: 'p',
    configHash: null,
    kind: 'post',
    orderId,
  };
}

test('joins each POST with the pods’ record: confirmed, lost, ambiguous, duplicated, unrecorded', () => {
  const get: RequestSample = { ...order('x', 'reset'), kind: undefined, orderId: undefined };
  const join = joinOrders(
    [
      order('a', 'ok'),
      order('b', 'reset'),
      order('c', 'reset'),
      order('d', 'ok'),
      order('e', 'ok'),
      order('f', 'http_503'),
      get,
    ],
    ['a', 'c', 'd', 'd', 'f'],
  );
  assert.deepEqual(join, {
    sent: 6,
    confirmed: 1,
    lost: ['b'],
    ambiguous: ['c', 'f'],
    duplicated: ['d'],
    unrecorded: ['e'],
  });
});

test("reads the processed ids from a pod's log, skipping every other line and any line that is not JSON", () => {
  const log = [
    '{"level":30,"msg":"started"}',
    '{"level":30,"orderId":"o-1","msg":"order processed"}',
    'order processed, but not JSON',
    '{"level":30,"msg":"order processed"}',
    '{"level":30,"orderId":"o-1","msg":"order processed"}',
    '{"level":30,"orderId":"o-2","msg":"request failed","note":"order processed"}',
    '',
  ].join('\n');
  assert.deepEqual(processedOrderIds(log), ['o-1', 'o-1']);
});
