import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderMarkdown } from '../../../scripts/report/renderMarkdown.js';
import { summarizeRun } from '../../../scripts/report/summarizeRun.js';
import { buildRunRecord } from '../../fixtures/buildRunRecord.js';

test('puts the verdict on the first line', () => {
  assert.match(renderMarkdown(summarizeRun(buildRunRecord())).split('\n')[0]!, /^# Rollout proof: PASS/);
  const failed = renderMarkdown(
    summarizeRun(buildRunRecord({ failures: [{ atMs: 12_000, error: 'ECONNREFUSED' }] })),
  );
  assert.match(failed.split('\n')[0]!, /^# Rollout proof: FAIL/);
});

test('says what failed, then lists the first failures with what the pods were doing', () => {
  const md = renderMarkdown(
    summarizeRun(buildRunRecord({ failures: [{ atMs: 12_000, error: 'ECONNREFUSED' }] })),
  );
  assert.match(md, /## What failed\n\n- 1 of 4000 requests failed \(ECONNREFUSED ×1\)\./);
  assert.match(md, /## First failures \(1 of 1\)/);
  assert.match(
    md,
    /\| 12\.00 \| ECONNREFUSED \| – \| – \| during the rollout \| hello-v1-1 ready for 17\.9 s, /,
  );
});

test('has a summary table with coverage and a row per pod', () => {
  const md = renderMarkdown(summarizeRun(buildRunRecord()));
  assert.match(
    md,
    /\| Coverage \| load ran 10\.0 s before the rollout \(1000 requests\), 22\.0 s after it completed/,
  );
  assert.match(md, /\| hello-v1-1 \| 1 \| -7\.9 \| -5\.9 \| 12\.5 \| 17\.5 \| 0 \|/);
  assert.equal(md.match(/^\| hello-v[12]-\d /gm)?.length, 6);
});

test('keeps table rows intact when a value holds a pipe or markup', () => {
  const run = buildRunRecord();
  run.settings = { ...run.settings, 'odd|key': 'a <b>|c' };
  const md = renderMarkdown(summarizeRun(run));
  assert.match(md, /\| odd\\\|key \| a &#60;b&#62;\\\|c \|/);
});

test('names each kind of failure with how many requests it took and what it means', () => {
  const md = renderMarkdown(
    summarizeRun(
      buildRunRecord({
        failures: [
          { atMs: 12_000, error: 'ECONNREFUSED' },
          { atMs: 13_000, error: null, status: 503 },
        ],
      }),
    ),
  );
  assert.match(md, /\| ECONNREFUSED \| 1 \| connection refused: nothing listening/);
  assert.match(md, /\| http_503 \| 1 \| the pod answered HTTP 503 instead of 200 \|/);
});
