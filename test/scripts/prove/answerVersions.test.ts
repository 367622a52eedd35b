import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { RequestSample } from '../../../scripts/model.js';
import { labelAnswerVersions } from '../../../scripts/prove/answerVersions.js';

function sample(scheduledAt: number, version: string | null, error: string | null = null): RequestSample {
  return {
    scheduledAt,
    startedAt: scheduledAt,
    endedAt: scheduledAt + 1,
    latencyMs: 1,
    status: error ? null : 200,
    error,
    version,
    pod: null,
    configHash: null,
  };
}

test("the first successful answer's version is the release rolled from, every other one the release rolled to", () => {
  const samples = [
    sample(3, 'echo-v2'),
    sample(1, 'echo-v1'),
    sample(0, 'garbled', 'ECONNRESET'),
    sample(2, 'echo-v1'),
  ];
  const seen = labelAnswerVersions(samples);
  assert.deepEqual(seen, { from: 'echo-v1', others: ['echo-v2', 'garbled'] });
  assert.deepEqual(
    samples.map((s) => s.version),
    ['2', '1', '2', '1'],
  );
});

test('answers with no version stay without one', () => {
  const samples = [sample(0, null), sample(1, null)];
  assert.deepEqual(labelAnswerVersions(samples), { from: null, others: [] });
  assert.deepEqual(
    samples.map((s) => s.version),
    [null, null],
  );
});
