import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ROLLOUT_FLAGS } from '../../../scripts/cli/rolloutFlagTable.js';
import { parseRolloutFlags, USAGE } from '../../../scripts/cli/rolloutFlags.js';
import { DEFAULT_PROPAGATION_LAG_S } from '../../../scripts/targets/local/measuredDefaults.js';
import { UsageError } from '../../../scripts/errors.js';
import { SCENARIO_NAMES } from '../../../scripts/scenarios/scenarios.js';
import { readKindOptions } from '../../../scripts/targets/kind/kindFlags.js';
import { readKubeOptions } from '../../../scripts/targets/kube/kubeFlags.js';
import { readLocalOptions } from '../../../scripts/targets/local/localFlags.js';
import { TARGET_NAMES, TARGETS } from '../../../scripts/targets/targets.js';

/** The local target's own options, as it reads them from demo:rollout's parsed flags. */
const local = (argv: string[]) => readLocalOptions(parseRolloutFlags(argv).targetFlags);

test("the local Service's propagation lag defaults to kube-proxy's usual one as measured on the real cluster, 0.1 s", () => {
  // docs/fidelity.md: median 0.04 s, worst 0.06 s of 5 deletions on Kubernetes v1.36.5 (kube-proxy, iptables mode).
  assert.equal(DEFAULT_PROPAGATION_LAG_S, 0.1);
  assert.equal(local([]).propagationLagMs, 100);
  assert.equal(
    local(['--propagation-lag', '1']).propagationLagMs,
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
  assert.equal(
    readKubeOptions(
      parseRolloutFlags(['--target', 'kube', '--context', 'c', '--node-port', 'on']).targetFlags,
    ).nodePort,
    true,
  );
  assert.throws(
    () => parseRolloutFlags(['--target', 'local', '--node-port', 'on']),
    /--node-port goes with --target kube/,
  );
});

test("--change defaults to the scenario's own change and takes code, config or both", () => {
  assert.equal(parseRolloutFlags([]).change, 'code');
  assert.equal(parseRolloutFlags(['--scenario', 'config-hashed']).change, 'config');
  assert.equal(parseRolloutFlags(['--scenario', 'config-shared-breaking']).change, 'both');
  assert.equal(parseRolloutFlags(['--change', 'both']).change, 'both');
  assert.throws(
    () => parseRolloutFlags(['--change', 'image']),
    /^UsageError: Invalid --change "image": expected code, config, both\.$/,
  );
});

test("the cool-down defaults to the scenario's, so a mounted ConfigMap's change is seen; --cooldown wins", () => {
  assert.equal(parseRolloutFlags([]).cooldownMs, 5000);
  assert.equal(parseRolloutFlags(['--scenario', 'config-in-place-volume']).cooldownMs, 100_000);
  assert.equal(
    parseRolloutFlags(['--scenario', 'config-in-place-volume', '--cooldown', '2']).cooldownMs,
    2000,
  );
});

test('the local kubelet syncs each pod every 75 s, as measured on the real cluster, unless --kubelet-sync says otherwise', () => {
  assert.equal(local([]).kubeletSyncMs, 75_000);
  assert.equal(local(['--kubelet-sync', '5']).kubeletSyncMs, 5000);
  assert.throws(() => parseRolloutFlags(['--kubelet-sync', '0']), /^UsageError: Invalid --kubelet-sync "0"/);
});

test('--mix and --streams default to none, or to what the scenario needs to show its damage; the flag wins', () => {
  assert.deepEqual([parseRolloutFlags([]).mix, parseRolloutFlags([]).streams], [{ get: 100, post: 0 }, 0]);
  assert.equal(parseRolloutFlags(['--scenario', 'no-stream-drain']).streams, 50);
  assert.deepEqual(parseRolloutFlags(['--scenario', 'orders-cut-in-drain']).mix, { get: 80, post: 20 });
  assert.equal(parseRolloutFlags(['--scenario', 'no-stream-drain', '--streams', '5']).streams, 5);
  assert.deepEqual(parseRolloutFlags(['--mix', 'get:80,post:20', '--streams', '50']).mix, {
    get: 80,
    post: 20,
  });
});

test('--mix and --streams are one plain line when bad, and refused with a load that cannot send them', () => {
  assert.throws(
    () => parseRolloutFlags(['--mix', 'get:70,post:20']),
    /^UsageError: Invalid --mix "get:70,post:20": the percentages add up to 90, not 100\.$/,
  );
  assert.throws(
    () => parseRolloutFlags(['--streams', '1001']),
    /Invalid --streams "1001": expected a whole number of streams from 0 to 1000\./,
  );
  for (const load of ['k6', 'none'])
    assert.throws(
      () => parseRolloutFlags(['--streams', '3', '--load', load]),
      (error: Error) => error instanceof UsageError && error.message.includes(`not --load ${load}`),
    );
  assert.equal(parseRolloutFlags(['--mix', 'get:100', '--load', 'k6']).load, 'k6', 'GETs only: k6 is fine');
  assert.equal(
    parseRolloutFlags(['--mix', 'get:80,post:20', '--load', 'k6']).load,
    'k6',
    'k6 sends orders too',
  );
  assert.throws(
    () => parseRolloutFlags(['--mix', 'get:80,post:20', '--load', 'none']),
    /^UsageError: --mix needs a load of ours \(builtin or k6\) to send the orders, not --load none\.$/,
  );
});

test('--help lists every target and every scenario from their registries', () => {
  const targetLine = USAGE.split('\n').find((line) => line.startsWith('  --target '));
  assert.equal(targetLine?.split(/\s+/)[2], ['auto', ...TARGET_NAMES].join('|'));
  const flat = USAGE.replace(/\s+/g, ' ');
  for (const target of TARGETS) assert.ok(flat.includes(`${target.name}: ${target.summary}`), target.name);
  for (const name of SCENARIO_NAMES)
    assert.ok(flat.includes(` ${name},`) || flat.includes(` ${name} `), name);
});

test('every flag a target owns is in the table, marked with that target, and its help says so', () => {
  const owned = TARGETS.flatMap((target) =>
    Object.entries(target.flags)
      .filter(([, row]) => row.targets)
      .map(([name]) => ({ target, name })),
  );
  assert.ok(owned.length > 0, 'some target owns a flag');
  for (const { target, name } of owned) {
    const flag = ROLLOUT_FLAGS[name as keyof typeof ROLLOUT_FLAGS];
    assert.ok(flag, `--${name} is in the table`);
    assert.ok(flag.targets?.names.includes(target.name), `--${name} goes with ${target.name}`);
    assert.match(USAGE, new RegExp(`--${name}\\b.*${target.name} target:`));
  }
});

test("every row a target declares in its folder is demo:rollout's, the same row, listed once in --help", () => {
  for (const target of TARGETS)
    for (const [name, row] of Object.entries(target.flags)) {
      assert.equal(ROLLOUT_FLAGS[name as keyof typeof ROLLOUT_FLAGS], row, `--${name} of ${target.name}`);
      assert.equal(USAGE.split('\n').filter((line) => line.startsWith(`  --${name} `)).length, 1, name);
    }
  const image = TARGETS.filter((target) => 'image' in target.flags).map((target) => target.name);
  assert.deepEqual(image, ['kind', 'kube'], '--image: one row, shared by both cluster targets');
});

test('a flag for a target --target auto cannot pick is refused; one auto may pick passes', () => {
  assert.throws(
    () => parseRolloutFlags(['--node-port', 'on']),
    /^UsageError: --node-port goes with --target kube/,
  );
  assert.equal(
    readKindOptions(parseRolloutFlags(['--recreate-cluster']).targetFlags).recreateCluster,
    true,
    'auto may pick kind',
  );
  assert.throws(
    () => parseRolloutFlags(['--target', 'local', '--recreate-cluster']),
    /^UsageError: --recreate-cluster goes with --target kind \(the only target that makes its cluster\)\.$/,
  );
});

test('an unknown flag, a missing value and a bad port are each one plain line', () => {
  assert.throws(
    () => parseRolloutFlags(['--rat', '5']),
    /^UsageError: Unknown option '--rat'\. See --help\.$/,
  );
  assert.throws(
    () => parseRolloutFlags(['--rate']),
    /^UsageError: Option '--rate <value>' argument missing\./,
  );
  assert.throws(
    () => parseRolloutFlags(['--lb-port', '80.5']),
    /^UsageError: Invalid --lb-port "80\.5": expected a port number from 0 to 65535\.$/,
  );
});
