import { choiceFlag, numberFlag, onOffFlag, switchFlag, textFlag } from '../../loadtest/flags/flag.js';
import {
  KEEP_ALIVE,
  mixFlag,
  RATE,
  SECONDS_OF_LOAD,
  STREAMS_RANGE,
  TIMEOUT,
} from '../../loadtest/flags/sharedFlags.js';
import { formatMix } from '../../loadtest/requestMix.js';
import { DEFAULT_KUBELET_SYNC_S, DEFAULT_PROPAGATION_LAG_S } from '../targets/local/measuredDefaults.js';
import { CHANGES, SCENARIO_NAMES, SCENARIOS, type Scenario } from '../scenarios/scenarios.js';
import { TARGET_NAMES, TARGETS } from '../targets/targets.js';

/** "5, config-in-place-volume: 100": a default, then each scenario that has its own. */
function defaultsByScenario(fallback: string, own: (scenario: Scenario) => string | undefined): string {
  const special = SCENARIOS.flatMap((s) => {
    const value = own(s);
    return value === undefined ? [] : [`${s.name}: ${value}`];
  });
  return [fallback, ...special].join(', ');
}

/** Which targets own a flag: the targets registry's entries say (their ownFlags), not this table. */
function ownedBy(flag: string): { names: string[]; why: string } {
  const owners = TARGETS.filter((t) => t.ownFlags.some((own) => own.name === flag));
  const why = owners.map((t) => t.ownFlags.find((own) => own.name === flag)?.why).join('; ');
  return { names: owners.map((t) => t.name), why };
}

const AUTO_PICKS = TARGETS.filter((t) => t.detect).map((t) => t.name);

/** Every flag `npm run demo:rollout` takes: parsing, --help and the target cross-check all read this. */
export const ROLLOUT_FLAGS = {
  target: choiceFlag({
    choices: ['auto', ...TARGET_NAMES],
    default: 'auto',
    shownDefault: `auto: the first of ${AUTO_PICKS.join(', ')} that can run here`,
    help: ['where to run', ...TARGETS.map((t) => `${t.name}: ${t.summary}`)].join('\n'),
  }),
  scenario: choiceFlag({
    choices: SCENARIO_NAMES,
    default: 'hardened',
    value: 'NAME',
    help: `which manifests: ${SCENARIO_NAMES.join(', ')}`,
  }),
  change: choiceFlag({
    choices: CHANGES,
    shownDefault: `the scenario's: ${defaultsByScenario('code', (s) => (s.change === 'code' ? undefined : s.change))}`,
    help: 'what the rollout changes: the code (v1 → v2), the configuration (a new greeting), or both',
  }),
  'on-fail': choiceFlag({
    choices: ['stop', 'rollback'],
    default: 'stop',
    help: 'when the rollout stalls: stop there, or roll back to v1',
  }),
  chaos: choiceFlag({
    choices: ['none', 'kill-pod'],
    default: 'none',
    help: 'kill-pod: SIGKILL one v1 pod during the warm-up',
  }),
  rate: numberFlag({ ...RATE, default: 100, help: 'requests per second' }),
  'keep-alive': KEEP_ALIVE,
  mix: mixFlag(
    'builtin or k6 load: the share of POST /orders among the requests, judged against the orders the ' +
      'pods logged: lost, ambiguous, duplicated',
    defaultsByScenario('get:100', (s) => (s.load?.mix ? formatMix(s.load.mix) : undefined)),
  ),
  streams: numberFlag({
    ...STREAMS_RANGE,
    shownDefault: defaultsByScenario('0', (s) => s.load?.streams?.toString()),
    help:
      'builtin load: Server-Sent Event streams (GET /stream) held open through the rollout, each ' +
      'reconnecting when its stream ends; judged: none cut',
  }),
  load: choiceFlag({
    choices: ['auto', 'builtin', 'k6', 'none'],
    default: 'auto',
    shownDefault: 'auto: k6 when installed, else builtin',
    help: "load generator; none: bring your own tool, pointed at the Service's port",
  }),
  'lb-port': numberFlag({
    min: 0,
    max: 65535,
    unit: 'a port number',
    whole: true,
    default: 0,
    value: 'P',
    shownDefault: null,
    help: [
      "the Service's port on 127.0.0.1",
      'local: a free port by default',
      'kind: the host port the cluster maps NodePort 30080 to, default 8080 as in k8s/kind/cluster.yaml',
      'kube: where you exposed it, default 8080',
    ].join('\n'),
  }),
  'propagation-lag': numberFlag({
    min: 0,
    max: 60,
    unit: 'seconds',
    default: DEFAULT_PROPAGATION_LAG_S,
    value: 'S',
    help: 'local target: seconds for an endpoint change to reach the balancer, as measured on a cluster',
  }),
  'kubelet-sync': numberFlag({
    min: 0.1,
    max: 600,
    unit: 'seconds',
    default: DEFAULT_KUBELET_SYNC_S,
    value: 'S',
    help:
      "local target: seconds between the kubelet's syncs of a pod, when a mounted ConfigMap's change " +
      'reaches it, as measured on a cluster',
  }),
  warmup: numberFlag({
    ...SECONDS_OF_LOAD,
    default: 5,
    value: 'S',
    help: 'seconds of load before the rollout',
  }),
  cooldown: numberFlag({
    ...SECONDS_OF_LOAD,
    value: 'S',
    shownDefault: defaultsByScenario('5', (s) => s.cooldownS?.toString()),
    help: 'seconds of load after the old pods are gone',
  }),
  timeout: TIMEOUT,
  out: textFlag({ value: 'DIR', shownDefault: 'reports/<timestamp>', help: 'report folder' }),
  context: textFlag({ value: 'NAME', help: 'kube target: kubectl context' }),
  image: textFlag({ value: 'NAME', shownDefault: 'hello', help: 'kind/kube targets: image repository' }),
  'keep-cluster': onOffFlag({ default: true, help: 'kind target: keep the cluster afterwards' }),
  'recreate-cluster': switchFlag({
    targets: ownedBy('recreate-cluster'),
    help:
      'delete an existing cluster zero-downtime and create it afresh (for a stopped or half-made one, or ' +
      'one with another --lb-port)',
  }),
  'kind-node-image': textFlag({
    value: 'IMG',
    targets: ownedBy('kind-node-image'),
    shownDefault: "KIND_NODE_IMAGE, else k8s/kind/cluster.yaml's pinned kindest/node",
    help: 'the node image of a cluster it creates; offline, build one with npm run kind:node-image',
  }),
  'node-port': onOffFlag({
    default: false,
    targets: ownedBy('node-port'),
    shownDefault: 'off: expose it yourself, then --lb-port',
    help:
      'publish the Service on NodePort 30080 and send load to 127.0.0.1:30080, for a cluster whose ' +
      'kube-proxy serves NodePorts on loopback, as npm run cluster:up makes',
  }),
  'dry-run': switchFlag({
    help:
      "print the run's steps and run nothing (kind, kube: every command; local: what it would start), " +
      'with --chaos and --on-fail as given',
  }),
};
