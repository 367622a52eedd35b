import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import path from 'node:path';
import { before, test } from 'node:test';

// .ci/run proves cluster:down clean by running leftovers.sh after it, expecting nothing. That proof only
// counts if the same script finds the cluster while it is up: every kind of thing down.sh must remove.

const LEFTOVERS = path.resolve(import.meta.dirname, '../../cluster/scripts/leftovers.sh');
const CONTEXT = process.env.ZDR_CONTEXT ?? 'zero-downtime-local';
const kubectl = (...args: string[]) =>
  // Synchronous, so node:test's timeouts cannot end it: a bound of its own, past rollout status's 180 s.
  execFileSync('kubectl', ['--context', CONTEXT, '--namespace', 'default', ...args], {
    stdio: 'pipe',
    timeout: 240_000,
  });

// Pods make the leftovers a pod brings (its processes, its mounts): deploy v1 if nothing runs yet.
before(() => {
  kubectl('apply', '-k', path.resolve(import.meta.dirname, '../../k8s/overlays/v1'));
  kubectl('rollout', 'status', 'deployment/hello', '--timeout=180s');
});

test('while the cluster is up, the leftover check finds its processes, mounts, bridge, rules, cgroups and files', () => {
  const result = spawnSync('bash', [LEFTOVERS], { encoding: 'utf8', timeout: 120_000 });
  assert.equal(result.status, 1, 'a running cluster is all leftovers');
  const kinds = new Set(result.stdout.split('\n').map((line) => line.split(' ')[1]));
  for (const kind of ['process', 'pod', 'mount', 'interface', 'iptables', 'cgroup', 'files']) {
    assert.ok(kinds.has(kind), `no ${kind} leftover reported:\n${result.stdout}`);
  }
  assert.match(result.stdout, /process \d+: .*kube-apiserver/);
  assert.match(result.stdout, /iptables -t mangle: -N ZDR-ISOLATE/);
});
