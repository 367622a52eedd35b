import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
  createDeploymentController,
  type ControlledPod,
  type DeploymentController,
  type DeploymentSpec,
  type PodControl,
} from '../../../../scripts/targets/local/deploymentController.js';
import { resolveRollingUpdate } from '../../../../scripts/manifests/rollingUpdate.js';

/**
 * Pods that do nothing on their own: the test makes them ready, and makes terminating ones exit, on a
 * manual clock. Every create and terminate the controller asks for is recorded, in order.
 */
class FakePods implements PodControl {
  clock = 1_000_000;
  readonly pods: ControlledPod[] = [];
  readonly actions: string[] = [];
  private readonly counters = new Map<string, number>();

  list(): readonly ControlledPod[] {
    return this.pods;
  }

  create(revision: string): void {
    const name = this.add(revision, null);
    this.actions.push(`create ${name}`);
  }

  terminate(name: string): void {
    const pod = this.get(name);
    assert.equal(pod.terminating, false, `${name} was terminated twice`);
    pod.terminating = true;
    this.actions.push(`terminate ${name}`);
  }

  /** A pod that was already there, ready since long ago (the state before a rollout). */
  seed(revision: string, count: number): void {
    for (let i = 0; i < count; i++) {
      this.add(revision, this.clock - 3_600_000);
      this.clock++;
    }
  }

  ready(name: string): void {
    this.get(name).readySince = this.clock;
  }

  notReady(name: string): void {
    this.get(name).readySince = null;
  }

  /** A terminating pod's process has exited: it leaves the list. */
  exit(name: string): void {
    const index = this.pods.findIndex((pod) => pod.name === name);
    assert.ok(index >= 0 && this.pods[index]!.terminating, `${name} exits only once terminating`);
    this.pods.splice(index, 1);
  }

  advance(ms: number): void {
    this.clock += ms;
  }

  /** Names of the pods in a state: 'active' (not terminating), 'terminating', 'waiting' (not ready). */
  names(state: 'active' | 'terminating' | 'waiting', revision?: string): string[] {
    return this.pods
      .filter((pod) => revision === undefined || pod.revision === revision)
      .filter((pod) =>
        state === 'active'
          ? !pod.terminating
          : state === 'terminating'
            ? pod.terminating
            : !pod.terminating && pod.readySince === null,
      )
      .map((pod) => pod.name);
  }

  available(minReadySeconds: number): ControlledPod[] {
    return this.pods.filter(
      (pod) =>
        !pod.terminating && pod.readySince !== null && this.clock - pod.readySince >= minReadySeconds * 1000,
    );
  }

  private add(revision: string, readySince: number | null): string {
    const n = (this.counters.get(revision) ?? 0) + 1;
    this.counters.set(revision, n);
    const name = `${revision}-${n}`;
    this.pods.push({ name, revision, createdAt: this.clock, readySince, terminating: false });
    return name;
  }

  private get(name: string): ControlledPod {
    const pod = this.pods.find((candidate) => candidate.name === name);
    assert.ok(pod, `no pod ${name}`);
    return pod;
  }
}

function spec(overrides: Partial<DeploymentSpec> = {}): DeploymentSpec {
  return {
    replicas: 3,
    maxSurge: 1,
    maxUnavailable: 0,
    minReadySeconds: 2,
    progressDeadlineSeconds: 60,
    ...overrides,
  };
}

function setup(deploymentSpec: DeploymentSpec) {
  const fake = new FakePods();
  const events: Array<{ kind: string; at: number; detail: string }> = [];
  const controller = createDeploymentController({
    spec: deploymentSpec,
    pods: fake,
    now: () => fake.clock,
    onEvent: (kind, detail) => {
      events.push({ kind, at: fake.clock, detail });
      fake.actions.push(kind);
    },
  });
  return { fake, events, controller };
}

/** Actions recorded since the last call. */
function drain(fake: FakePods): string[] {
  return fake.actions.splice(0);
}

test('3 replicas, maxSurge 1, maxUnavailable 0: one new pod at a time, an old one goes only once it is available', () => {
  const { fake, controller } = setup(spec());
  fake.seed('v1', 3);
  controller.rollTo('v2');
  assert.deepEqual(drain(fake), ['rollout-started', 'create v2-1']);

  fake.advance(500);
  fake.ready('v2-1');
  controller.sync();
  assert.deepEqual(drain(fake), [], 'ready is not available: minReadySeconds has not passed');
  fake.advance(2000 - 1);
  controller.sync();
  assert.deepEqual(drain(fake), [], 'nothing at minReadySeconds - 1 ms');
  fake.advance(1);
  controller.sync();
  // The newest old pod goes first (ActivePods order); the terminating pod no longer counts, so the next
  // new pod is created in the same pass, before the old one has exited.
  assert.deepEqual(drain(fake), ['terminate v1-3', 'create v2-2']);

  fake.advance(300);
  fake.ready('v2-2');
  fake.exit('v1-3');
  controller.sync();
  assert.deepEqual(drain(fake), []);
  fake.advance(2000);
  controller.sync();
  assert.deepEqual(drain(fake), ['terminate v1-2', 'create v2-3']);

  fake.advance(300);
  fake.ready('v2-3');
  controller.sync();
  fake.advance(1999);
  controller.sync();
  assert.deepEqual(drain(fake), []);
  fake.advance(1);
  controller.sync();
  // As in Kubernetes, the rollout is complete once the old pods are terminating: `kubectl rollout status`
  // counts replicas that are not terminating.
  assert.deepEqual(drain(fake), ['terminate v1-1', 'rollout-complete']);
  assert.equal(controller.state, 'complete');
  assert.deepEqual(fake.names('active'), ['v2-1', 'v2-2', 'v2-3']);

  fake.exit('v1-2');
  fake.exit('v1-1');
  fake.advance(10_000);
  controller.sync();
  assert.deepEqual(drain(fake), [], 'complete is announced once');
});

test('maxSurge 0, maxUnavailable 1: an old pod goes first, then its replacement is created', () => {
  const { fake, controller } = setup(spec({ maxSurge: 0, maxUnavailable: 1 }));
  fake.seed('v1', 3);
  controller.rollTo('v2');
  assert.deepEqual(drain(fake), ['rollout-started', 'terminate v1-3', 'create v2-1']);
  assert.equal(fake.names('active').length, 3, 'never more than replicas pods');

  fake.ready('v2-1');
  fake.advance(2000);
  controller.sync();
  assert.deepEqual(drain(fake), ['terminate v1-2', 'create v2-2']);
  fake.ready('v2-2');
  fake.advance(2000);
  controller.sync();
  assert.deepEqual(drain(fake), ['terminate v1-1', 'create v2-3']);
  fake.ready('v2-3');
  fake.advance(1999);
  controller.sync();
  assert.deepEqual(drain(fake), []);
  fake.advance(1);
  controller.sync();
  assert.deepEqual(drain(fake), ['rollout-complete']);
});

test('a first deploy from zero pods creates all replicas at once', () => {
  const { fake, controller } = setup(spec({ replicas: 3 }));
  controller.rollTo('v1');
  assert.deepEqual(drain(fake), ['rollout-started', 'create v1-1', 'create v1-2', 'create v1-3']);
  for (const name of fake.names('waiting')) fake.ready(name);
  fake.advance(2000);
  controller.sync();
  assert.deepEqual(drain(fake), ['rollout-complete']);
});

test('unhealthy old pods are removed first, even the oldest one', () => {
  // 4 replicas, 25%/25%: maxSurge 1, maxUnavailable 1, so at least 3 available.
  const { fake, controller } = setup(spec({ replicas: 4, maxSurge: '25%', maxUnavailable: '25%' }));
  fake.seed('v1', 4);
  fake.notReady('v1-1');
  controller.rollTo('v2');
  // Scale up within the surge; then v1-1 costs nothing to remove (cleanupUnhealthyReplicas), while the
  // newest healthy old pod (v1-4) stays because only 3 pods are available; then v2-2 fills the gap.
  assert.deepEqual(drain(fake), ['rollout-started', 'create v2-1', 'terminate v1-1', 'create v2-2']);
});

test('a terminating old pod that has not exited yet does not hold back the next new pod', () => {
  const { fake, controller } = setup(spec());
  fake.seed('v1', 3);
  controller.rollTo('v2');
  fake.ready('v2-1');
  fake.advance(2000);
  controller.sync();
  assert.deepEqual(drain(fake), ['rollout-started', 'create v2-1', 'terminate v1-3', 'create v2-2']);
  assert.deepEqual(fake.names('terminating'), ['v1-3'], 'v1-3 is still shutting down');
  assert.equal(fake.pods.length, 5, 'replicas + surge + the terminating one');
});

test('nothing more happens while a new pod is not ready, and it is never counted available', () => {
  const { fake, controller } = setup(spec());
  fake.seed('v1', 3);
  controller.rollTo('v2');
  drain(fake);
  for (let i = 0; i < 50; i++) {
    fake.advance(1000);
    controller.sync();
  }
  assert.deepEqual(drain(fake), []);
  assert.deepEqual(fake.names('active'), ['v1-1', 'v1-2', 'v1-3', 'v2-1']);
});

test('a new pod that never becomes ready stalls the rollout once, at progressDeadlineSeconds', () => {
  const { fake, events, controller } = setup(spec({ progressDeadlineSeconds: 10 }));
  fake.seed('v1', 3);
  controller.rollTo('v2');
  const startedAt = fake.clock;
  fake.advance(10_000);
  controller.sync();
  assert.equal(controller.state, 'progressing', 'not before the deadline has passed');
  fake.advance(1);
  controller.sync();
  assert.equal(controller.state, 'stalled');
  for (let i = 0; i < 20; i++) {
    fake.advance(1000);
    controller.sync();
  }
  const stalled = events.filter((event) => event.kind === 'rollout-stalled');
  assert.equal(stalled.length, 1);
  assert.equal(stalled[0]!.at - startedAt, 10_001);
  assert.match(stalled[0]!.detail, /progressDeadlineSeconds/);
  assert.deepEqual(fake.names('active', 'v1'), ['v1-1', 'v1-2', 'v1-3'], 'the old pods keep serving');
});

test('a pod turning ready counts as progress, even before it is available', () => {
  // DeploymentProgressing in deployment_util.go: more ready replicas is progress. With a long
  // minReadySeconds, a rollout that is moving must not be reported stalled.
  const { fake, events, controller } = setup(spec({ minReadySeconds: 8, progressDeadlineSeconds: 10 }));
  fake.seed('v1', 3);
  controller.rollTo('v2');
  fake.advance(6000);
  fake.ready('v2-1');
  controller.sync();
  fake.advance(6000);
  controller.sync();
  assert.deepEqual(
    events.map((event) => event.kind),
    ['rollout-started'],
    '12 s after the start, 6 s after v2-1 turned ready',
  );
  fake.advance(2000);
  controller.sync();
  assert.deepEqual(drain(fake), ['rollout-started', 'create v2-1', 'terminate v1-3', 'create v2-2']);
});

/**
 * Drives a rollout to the end: pods turn ready `readyAfterMs` after creation, terminating pods exit
 * `exitAfterMs` after being told; the invariants of the strategy are checked after every step.
 */
function driveToCompletion(
  fake: FakePods,
  controller: DeploymentController,
  deploymentSpec: DeploymentSpec,
  revision: string,
  readyAfterMs: (name: string) => number,
  exitAfterMs = 1500,
): number {
  const { maxSurge, maxUnavailable } = resolveRollingUpdate(
    deploymentSpec.replicas,
    deploymentSpec.maxSurge,
    deploymentSpec.maxUnavailable,
  );
  // Availability may not drop below replicas - maxUnavailable, or below what there was at the start
  // when the Deployment is scaling up (new replicas are not available yet).
  const floor = Math.min(
    deploymentSpec.replicas - maxUnavailable,
    fake.available(deploymentSpec.minReadySeconds).length,
  );
  const createdAt = new Map<string, number>();
  const terminatingSince = new Map<string, number>();
  const step = 100;
  let steps = 0;
  for (; steps < 2000 && controller.state !== 'complete'; steps++) {
    fake.advance(step);
    for (const pod of [...fake.pods]) {
      if (!createdAt.has(pod.name)) createdAt.set(pod.name, fake.clock);
      if (pod.terminating) {
        if (!terminatingSince.has(pod.name)) terminatingSince.set(pod.name, fake.clock);
        if (fake.clock - terminatingSince.get(pod.name)! >= exitAfterMs) fake.exit(pod.name);
      } else if (pod.readySince === null && fake.clock - createdAt.get(pod.name)! >= readyAfterMs(pod.name)) {
        fake.ready(pod.name);
      }
    }
    controller.sync();
    const active = fake.names('active').length;
    const available = fake.available(deploymentSpec.minReadySeconds).length;
    assert.ok(
      active <= deploymentSpec.replicas + maxSurge,
      `at step ${steps}: ${active} pods > replicas ${deploymentSpec.replicas} + surge ${maxSurge}`,
    );
    assert.ok(
      available >= floor,
      `at step ${steps}: ${available} available < ${floor} (replicas ${deploymentSpec.replicas} - unavailable ${maxUnavailable})`,
    );
  }
  assert.equal(controller.state, 'complete', `complete within ${steps} steps`);
  const fresh = fake.available(deploymentSpec.minReadySeconds).filter((pod) => pod.revision === revision);
  assert.equal(fresh.length, deploymentSpec.replicas);
  assert.deepEqual(
    fake.names('active').filter((name) => !name.startsWith(`${revision}-`)),
    [],
    'no other revision left serving',
  );
  return steps;
}

for (const replicas of [4, 10]) {
  test(`25%/25% with ${replicas} replicas keeps within surge and availability at every step`, () => {
    const deploymentSpec = spec({ replicas, maxSurge: '25%', maxUnavailable: '25%', minReadySeconds: 1 });
    const { fake, controller } = setup(deploymentSpec);
    fake.seed('v1', replicas);
    controller.rollTo('v2');
    // Uneven start-up times, so pods become available out of order.
    driveToCompletion(
      fake,
      controller,
      deploymentSpec,
      'v2',
      (name) => 700 + (Number(name.split('-')[1]) % 3) * 900,
    );
    const created = fake.actions.filter((action) => action.startsWith('create v2-'));
    assert.equal(created.length, replicas, 'exactly one new pod per replica');
  });
}

test('a change of replicas in rollTo is honoured, scaling up with the new revision', () => {
  const { fake, controller } = setup(spec());
  fake.seed('v1', 3);
  const bigger = spec({ replicas: 5 });
  controller.rollTo('v2', bigger);
  // replicas + surge = 6 pods allowed, 3 exist: 3 new ones at once (NewRSNewReplicas).
  assert.deepEqual(drain(fake), ['rollout-started', 'create v2-1', 'create v2-2', 'create v2-3']);
  driveToCompletion(fake, controller, bigger, 'v2', () => 500);
});

test('a change of replicas alone scales the current revision up and down', () => {
  const { fake, controller } = setup(spec());
  fake.seed('v1', 3);
  controller.rollTo('v1', spec({ replicas: 5 }));
  assert.deepEqual(drain(fake), ['rollout-started', 'create v1-4', 'create v1-5']);
  driveToCompletion(fake, controller, spec({ replicas: 5 }), 'v1', () => 500);
  drain(fake);
  controller.rollTo('v1', spec({ replicas: 2 }));
  const actions = drain(fake);
  assert.deepEqual([actions[0], actions.at(-1)], ['rollout-started', 'rollout-complete']);
  // The pods ready for the shortest time go first; the two oldest stay.
  assert.deepEqual(actions.slice(1, -1).sort(), ['terminate v1-3', 'terminate v1-4', 'terminate v1-5']);
  assert.deepEqual(fake.names('active'), ['v1-1', 'v1-2']);
});

test('rolling back to the old revision in the middle of a rollout converges on it', () => {
  const { fake, controller } = setup(spec());
  fake.seed('v1', 3);
  controller.rollTo('v2');
  fake.ready('v2-1');
  fake.advance(2000);
  controller.sync();
  assert.deepEqual(drain(fake), ['rollout-started', 'create v2-1', 'terminate v1-3', 'create v2-2']);

  controller.rollTo('v1');
  // v1-1, v1-2 and the v2 pods are 4 active: at the surge limit, so the not-ready v2-2 goes first.
  assert.deepEqual(drain(fake), ['rollout-started', 'terminate v2-2', 'create v1-4']);
  driveToCompletion(fake, controller, spec(), 'v1', () => 500);
  assert.deepEqual(fake.names('active'), ['v1-1', 'v1-2', 'v1-4']);
});
