import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, test } from 'node:test';
import { DEMO_ROLLOUT, runningPodProcesses, startCli, tempDir } from '../support/runCli.js';

// Streams and POSTs through a hardened rollout, end to end on the local target. The controls that remove
// the stream drain and the orders' finish (no-stream-drain, orders-cut-in-drain) are matrix rows.

const RUN_TIMEOUT_MS = 150_000;
const outDirs: string[] = [];
after(() => {
  for (const dir of outDirs)
    assert.deepEqual(runningPodProcesses(dir), [], `a pod process of ${dir} outlived the harness`);
});

test(
  'hardened, with streams and a fifth of the requests POSTs: no stream cut, every order processed once and answered',
  { timeout: RUN_TIMEOUT_MS },
  async () => {
    const out = tempDir('streams-orders-');
    outDirs.push(out);
    const args = [
      '--target',
      'local',
      '--warmup',
      '3',
      '--cooldown',
      '2',
      '--streams',
      '20',
      '--mix',
      'get:80,post:20',
    ];
    const run = startCli(DEMO_ROLLOUT, [...args, '--out', out]);
    const code = await run.exited;
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    assert.equal(code, 0, run.stdout() + run.stderr());
    assert.equal(report.streams.cut, 0);
    // Every v1 pod left during the run: the streams open on them were told to reconnect, and did.
    assert.ok(report.streams.endedCleanly >= 1, `${report.streams.endedCleanly} ended cleanly`);
    assert.ok(report.streams.reconnectGapP99Ms !== null);
    assert.ok(report.orders.sent >= 100, `${report.orders.sent} orders`);
    assert.deepEqual(
      [
        report.orders.confirmed,
        report.orders.lost.count,
        report.orders.ambiguous.count,
        report.orders.duplicated.count,
      ],
      [report.orders.sent, 0, 0, 0],
    );
    assert.match(run.stdout(), /streams {2,}\d+ opened, \d+ ended by the server's final event, 0 cut/);
    assert.match(run.stdout(), /orders {2,}\d+ sent, \d+ confirmed; lost 0, ambiguous 0, duplicated 0/);
    const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    assert.match(md, /\| Streams \| \d+ opened/);
    assert.match(md, /\| no order ambiguous \(failed, yet processed\) \| passed \|/);
    assert.match(fs.readFileSync(path.join(out, 'report.html'), 'utf8'), /chart-streams/);
  },
);

test(
  "POSTs on a real cluster: the plan follows each pod's log to join the orders",
  { timeout: 30_000 },
  async () => {
    const run = startCli(DEMO_ROLLOUT, [
      '--target',
      'kube',
      '--context',
      'no-such-context',
      '--mix',
      'get:80,post:20',
      '--dry-run',
    ]);
    assert.equal(await run.exited, 0, run.stderr());
    assert.match(
      run.stdout(),
      /each pod's log is followed from its first ready \(kubectl logs -f POD\) to join the orders/,
    );
  },
);
