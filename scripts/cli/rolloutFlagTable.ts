import { choiceFlag, numberFlag, switchFlag, textFlag } from '../../loadtest/flags/flag.js';
import {
  KEEP_ALIVE,
  mixFlag,
  RATE,
  SECONDS_OF_LOAD,
  STREAMS_RANGE,
  TIMEOUT,
} from '../../loadtest/flags/sharedFlags.js';
import { formatMix } from '../../loadtest/requestMix.js';
import { CHANGES, SCENARIO_NAMES, SCENARIOS, type Scenario } from '../scenarios/scenarios.js';
import { TARGET_FLAGS } from '../targets/targetFlags.js';
import { TARGET_NAMES, TARGETS } from '../targets/targets.js';

/** "5, config-in-place-volume: 100": a default, then each scenario that has its own. */
function defaultsByScenario(fallback: string, own: (scenario: Scenario) => string | undefined): string {
  const special = SCENARIOS.flatMap((s) => {
    const value = own(s);
    return value === undefined ? [] : [`${s.name}: ${value}`];
  });
  return [fallback, ...special].join(', ');
}

const AUTO_PICKS = TARGETS.filter((t) => t.detect).map((t) => t.name);

/**
 * Every flag `npm run demo:rollout` takes: parsing, --help and the target cross-check all read this. The
 * targets' own rows come from their folders, through the registry.
 */
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
  // Each target's own rows (targets/<name>/<name>Flags.ts), from the registry: --image, --keep-cluster,
  // --context, --propagation-lag, ...; a row marked with its targets is refused with any other.
  ...TARGET_FLAGS,
  'dry-run': switchFlag({
    help:
      "print the run's steps and run nothing (kind, kube: every command; local: what it would start), " +
      'with --chaos and --on-fail as given',
  }),
};
