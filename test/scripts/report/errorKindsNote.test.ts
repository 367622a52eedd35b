import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KIND_ERROR_KINDS_NOTE } from '../../../scripts/targets/kind/kindTarget.js';
import { renderMarkdown } from '../../../scripts/report/renderMarkdown.js';
import { summarizeRun } from '../../../scripts/report/summarizeRun.js';
import { buildRunRecord } from '../../fixtures/buildRunRecord.js';

function kindRun(failures: number) {
  const run = buildRunRecord({
    failures: Array.from({ length: failures }, (_, i) => ({
      atMs: 12_000 + i * 100,
      error: 'socket_closed',
    })),
  });
  return { ...run, target: 'kind', errorKindsNote: KIND_ERROR_KINDS_NOTE };
}

test('says, beside the failures by error, that on kind a refused connection shows as closed or reset', () => {
  const md = renderMarkdown(summarizeRun(kindRun(2)));
  assert.match(md, /\| Failures by kind \| socket_closed: 2 \|\n\| Latency/);
  assert.match(
    md,
    /\| Error kinds \| On kind, requests go through Docker's userland proxy \(docker-proxy\) on the host port, which accepts every connection itself: a backend that refuses or goes away \(no ready endpoint, a killed pod\) reaches the client as a closed \(socket_closed\) or reset \(ECONNRESET\) connection, never as ECONNREFUSED\. \|/,
  );
});

test('keeps the note in report.json, and out of the summary when nothing failed', () => {
  const report = summarizeRun(kindRun(0));
  assert.equal(report.requests.errorKindsNote, KIND_ERROR_KINDS_NOTE);
  assert.doesNotMatch(renderMarkdown(report), /Error kinds/);
});
