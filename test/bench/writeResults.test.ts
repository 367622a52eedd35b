import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BenchResult } from '../../bench/lib/benchResult.js';
import { renderResults } from '../../bench/writeResults.js';

const result: BenchResult = {
  name: 'balancer',
  title: 'Balancer overhead',
  date: '2026-01-01T00:00:00.000Z',
  quick: false,
  durationMs: 15_000,
  machine: { cores: 2, cpu: 'test', node: 'v20.0.0', platform: 'linux', loadAverageAtStart: [1.5, 2, 2.5] },
  figures: [
    { label: 'throughput ratio', value: 0.97, unit: '×', target: '≥ 0.95×', met: true },
    { label: 'added p50', value: 1.4, unit: 'ms', target: '≤ 1 ms', met: false },
    { label: 'direct rps', value: 17000, unit: 'rps' },
  ],
  notes: ['closed loop'],
  details: {},
};

test('RESULTS.md lists every figure with its target and met or missed, the machine and the load average', () => {
  const md = renderResults([result, { name: 'scale', missing: 'bench/results/scale.json not found' }]);
  assert.match(md, /Machine: 2 cores \(test\), Node\.js v20\.0\.0/);
  assert.match(md, /\| Balancer overhead \| throughput ratio \| 0\.97× \| ≥ 0\.95× \| met \|/);
  assert.match(md, /\| balancer \| added p50 \| 1\.4 ms \| ≤ 1 ms \| \*\*missed\*\* \|/);
  assert.match(md, /\| balancer \| direct rps \| 17,000 rps \| {2}\| {2}\|/);
  assert.match(md, /load average at start 1\.5, 2, 2\.5/);
  assert.match(md, /1 of 2 targets met; 1 missed/);
  assert.match(md, /## scale\n\nNo results: bench\/results\/scale\.json not found\./);
});
