import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FidelityRow } from '../../../scripts/fidelity/fidelityRows.js';
import { fidelityMarkdown, summarizeFidelity } from '../../../scripts/fidelity/renderFidelity.js';
import type { FidelityRun } from '../../../scripts/fidelity/runFidelity.js';

const machine = {
  cores: 2,
  node: 'v20',
  platform: 'linux x64',
  kubernetes: 'v1.36.5',
  containerd: 'containerd://1.6.20',
};
const row: FidelityRow = {
  id: 'naive-keepalive-off',
  scenario: 'naive',
  keepAlive: false,
  rate: 100,
  extraFlags: [],
  expected: { kind: 'drops', drops: 'some' },
};
const run = (failed: number, byError: Record<string, number>, asExpected = true): FidelityRun => ({
  dir: `/r/${failed}`,
  exitCode: 1,
  verdict: 'fail',
  failed,
  total: 1000,
  byError,
  asExpected,
});

test('a row agrees only when both targets showed what it expects in every repeat', () => {
  const agreeing = summarizeFidelity(
    [{ row, runs: { local: [run(10, { ECONNRESET: 10 })], kube: [run(9, { ECONNREFUSED: 9 })] } }],
    1,
    machine,
    null,
  );
  assert.equal(agreeing.rows[0]!.agree, true);
  assert.equal(agreeing.allAsExpected, true);
  const disagreeing = summarizeFidelity(
    [{ row, runs: { local: [run(10, { ECONNRESET: 10 })], kube: [run(0, {}, false)] } }],
    1,
    machine,
    null,
  );
  assert.equal(disagreeing.rows[0]!.agree, false);
  assert.equal(disagreeing.allAsExpected, false);
  const short = summarizeFidelity([{ row, runs: { local: [run(10, {})], kube: [] } }], 1, machine, null);
  assert.equal(short.rows[0]!.agree, false, 'a target that did not run does not agree');
});

test('where the cluster refuses and the local balancer resets, the row says why', () => {
  const summary = summarizeFidelity(
    [{ row, runs: { local: [run(10, { ECONNRESET: 10 })], kube: [run(9, { ECONNREFUSED: 9 })] } }],
    1,
    machine,
    null,
  );
  assert.match(summary.rows[0]!.note ?? '', /kube-proxy \(iptables\) refuses .* resets/);
  const markdown = fidelityMarkdown(summary);
  assert.match(markdown, /Kubernetes v1\.36\.5 · containerd containerd:\/\/1\.6\.20/);
  assert.match(
    markdown,
    /\| naive \| off \| 100 \| some dropped \| 10 \| ECONNRESET \| 1\/1 as expected \| 9 \| ECONNREFUSED \| 1\/1 as expected \| yes \|/,
  );
});
