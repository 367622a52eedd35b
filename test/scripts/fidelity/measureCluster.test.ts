import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sigtermTime } from '../../../scripts/fidelity/measureCluster.js';

test('reads the time of SIGTERM from the service log line that says the signal arrived', () => {
  const logs = [
    '{"level":30,"time":1000,"msg":"ready"}',
    'not json',
    '{"level":30,"time":4321,"msg":"signal received; readiness now answers 503"}',
    '{"level":30,"time":5000,"msg":"drain begun"}',
  ].join('\n');
  assert.equal(sigtermTime(logs), 4321);
  assert.equal(sigtermTime('{"level":30,"time":1000,"msg":"ready"}'), null);
});
