import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_PROPAGATION_LAG_S, parseRolloutFlags } from '../../../scripts/cli/rolloutFlags.js';
import { UsageError } from '../../../scripts/errors.js';
import { TARGET_NAMES } from '../../../scripts/targets/targets.js';

test("the local Service's propagation lag defaults to kube-proxy's usual one as measured on the real cluster, 0.1 s", () => {
  // docs/fidelity.md: median 0.04 s, worst 0.06 s of 5 deletions on Kubernetes v1.36.5 (kube-proxy, iptables mode).
  assert.equal(DEFAULT_PROPAGATION_LAG_S, 0.1);
  assert.equal(parseRolloutFlags([]).propagationLagMs, 100);
  assert.equal(
    parseRolloutFlags(['--propagation-lag', '1']).propagationLagMs,
    1000,
    'the worst case stays one flag away',
  );
});

test('--target takes auto or a name from the targets registry, and nothing else', () => {
  for (const name of TARGET_NAMES)
    assert.equal(parseRolloutFlags(['--target', name, '--context', 'c']).target, name);
  assert.equal(parseRolloutFlags([]).target, 'auto');
  assert.throws(
    () => parseRolloutFlags(['--target', 'minikube']),
    (error: Error) => {
      assert.ok(error instanceof UsageError);
      assert.match(error.message, /^Invalid --target "minikube": expected auto, kind, local, kube\.$/);
      return true;
    },
  );
});

test('--node-port goes with the kube target only', () => {
  assert.equal(parseRolloutFlags(['--target', 'kube', '--context', 'c', '--node-port', 'on']).nodePort, true);
  assert.throws(
    () => parseRolloutFlags(['--target', 'local', '--node-port', 'on']),
    /--node-port goes with --target kube/,
  );
});
