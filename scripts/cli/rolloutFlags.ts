import { parseArgs } from 'node:util';
import { numberFlag, RATE_FLAG, STREAMS_FLAG } from '../../loadtest/flags/numberFlag.js';
import { GET_ONLY, parseMix, type RequestMix } from '../../loadtest/requestMix.js';
import { UsageError } from '../errors.js';
import { DEFAULT_KUBELET_SYNC_S, DEFAULT_PROPAGATION_LAG_S } from '../local/measuredDefaults.js';
import { CHANGES, findScenario, SCENARIO_NAMES } from '../scenarios/scenarios.js';
import { wrapHelp } from './wrapHelp.js';
import type { TargetName, TargetOptions } from '../target.js';
import { TARGET_NAMES, TARGETS } from '../targets/targets.js';

/** What `npm run demo:rollout -- ...` was asked to do, validated (the target's part is TargetOptions). */
export interface RolloutOptions extends TargetOptions {
  target: 'auto' | TargetName;
  /** Requests per second of the built-in load. */
  rate: number;
  keepAlive: boolean;
  /** The share of `POST /orders` among the requests. */
  mix: RequestMix;
  /** Long-lived `GET /stream` clients held open through the rollout (0: none). */
  streams: number;
  load: 'auto' | 'builtin' | 'k6' | 'none';
  warmupMs: number;
  cooldownMs: number;
  requestTimeoutMs: number;
  /** Where the report goes; null: reports/<timestamp>/. */
  out: string | null;
  /** What to do when the rollout stalls: leave it (stop), or roll back like `kubectl rollout undo`. */
  onFail: 'stop' | 'rollback';
  /** kill-pod: SIGKILL one v1 pod half-way through the warm-up (an unplanned failure). */
  chaos: 'none' | 'kill-pod';
  help: boolean;
}

/** --target's lines of the help, from the targets registry. */
function targetLines(): string {
  const choices = ['auto', ...TARGET_NAMES].join('|');
  return [
    `  --target ${choices.padEnd(23)}where to run (default auto: the first of ${TARGETS.filter(
      (t) => t.detect,
    )
      .map((t) => t.name)
      .join(', ')} that can run here)`,
    ...TARGETS.map((t) => `${' '.repeat(34)}${t.name}: ${t.summary}`),
  ].join('\n');
}

/** --scenario's lines of the help, from the scenarios registry. */
function scenarioLines(): string {
  const text = `which manifests (default hardened): ${SCENARIO_NAMES.join(', ')}`;
  return wrapHelp('  --scenario NAME'.padEnd(34), text);
}

export const USAGE = `Usage: npm run demo:rollout -- [options]

Rolls hello v1 → v2 under load and proves (or disproves) that no request was dropped.

${targetLines()}
${scenarioLines()}
  --change code|config|both       what the rollout changes: the code (v1 → v2), the configuration (a new
                                  greeting), or both (default: the scenario's; code for all but config-*)
  --on-fail stop|rollback         when the rollout stalls: stop there (default), or roll back to v1
  --chaos none|kill-pod           kill-pod: SIGKILL one v1 pod during the warm-up (default none)
  --rate N                        requests per second (default ${RATE_FLAG.fallback}, from ${RATE_FLAG.min} to ${RATE_FLAG.max})
  --keep-alive on|off             reuse connections (default on)
  --mix get:P,post:Q              the share of POST /orders among the requests, judged against the orders the
                                  pods logged: lost, ambiguous, duplicated (default get:100, orders-cut-in-drain:
                                  get:80,post:20; builtin or k6 load)
  --streams N                     Server-Sent Event streams (GET /stream) held open through the rollout, each
                                  reconnecting when its stream ends; judged: none cut (default 0, no-stream-drain:
                                  50; builtin load)
  --load auto|builtin|k6|none     load generator (default auto: k6 when installed, else builtin;
                                  none: bring your own tool, pointed at the Service's port)
  --lb-port P                     the Service's port on 127.0.0.1 (local: default a free port; kind: the host
                                  port the cluster maps NodePort 30080 to, default 8080 as in
                                  k8s/kind/cluster.yaml; kube: where you exposed it, default 8080)
  --propagation-lag S             local target: seconds for an endpoint change to reach the balancer (default 0.1)
  --kubelet-sync S                local target: seconds between the kubelet's syncs of a pod, when a mounted
                                  ConfigMap's change reaches it (default ${DEFAULT_KUBELET_SYNC_S}, as measured on a cluster)
  --warmup S                      seconds of load before the rollout (default 5)
  --cooldown S                    seconds of load after the old pods are gone (default 5;
                                  config-in-place-volume: 100, to see every pod's file change)
  --timeout S                     per-request timeout in seconds (default 10)
  --out DIR                       report folder (default reports/<timestamp>)
  --context NAME                  kube target: kubectl context
  --image NAME                    kind/kube targets: image repository (default hello)
  --keep-cluster on|off           kind target: keep the cluster afterwards (default on)
  --recreate-cluster              kind target: delete an existing cluster zero-downtime and create it afresh
  --kind-node-image IMG           kind target: the node image of a cluster it creates (default KIND_NODE_IMAGE,
                                  else k8s/kind/cluster.yaml's pinned kindest/node; offline, build one with
                                  npm run kind:node-image)
                                  (for a stopped or half-made one, or one with another --lb-port)
  --node-port on|off              kube target: publish the Service on NodePort 30080 and send load to
                                  127.0.0.1:30080, for a cluster whose kube-proxy serves NodePorts on loopback
                                  (npm run cluster:up makes one); default off: expose it yourself, then --lb-port
  --dry-run                       print the run's steps and run nothing (kind, kube: every command; local:
                                  what it would start), with --chaos and --on-fail as given
  -h, --help                      show this help

Exit status: 0 the proof passed, 1 it failed, 2 bad usage or a missing prerequisite, 130 interrupted.`;

function choice<T extends string>(
  flag: string,
  value: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError(`Invalid --${flag} "${value}": expected ${allowed.join(', ')}.`);
}

const usageError = (message: string) => new UsageError(message);

/** A number flag within [min, max], or `fallback` when absent; anything else is a UsageError (exit 2). */
function number(
  flag: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
  unit: string,
) {
  return numberFlag({ name: flag, min, max, unit, fallback }, raw, usageError);
}

/**
 * A flag a target owns (its entry's ownFlags) is refused with another target, and with auto when auto can
 * pick no owner of it. A flag counts as given unless absent or "off".
 */
function checkTargetFlags(target: RolloutOptions['target'], values: Record<string, unknown>): void {
  const reachable =
    target === 'auto' ? TARGETS.filter((t) => t.detect) : TARGETS.filter((t) => t.name === target);
  for (const flag of new Set(TARGETS.flatMap((t) => t.ownFlags.map((own) => own.name)))) {
    const value = values[flag];
    const owners = TARGETS.filter((t) => t.ownFlags.some((own) => own.name === flag));
    if (value === undefined || value === 'off' || owners.some((t) => reachable.includes(t))) continue;
    const why = owners.map((t) => t.ownFlags.find((own) => own.name === flag)?.why).join('; ');
    throw new UsageError(`--${flag} goes with --target ${owners.map((t) => t.name).join(' or ')} (${why}).`);
  }
}

/** Every flag demo:rollout takes (parseArgs' table: what each one means is in USAGE). */
const ROLLOUT_ARGS = {
  target: { type: 'string' },
  scenario: { type: 'string' },
  change: { type: 'string' },
  rate: { type: 'string' },
  'keep-alive': { type: 'string' },
  mix: { type: 'string' },
  streams: { type: 'string' },
  load: { type: 'string' },
  'lb-port': { type: 'string' },
  'propagation-lag': { type: 'string' },
  'kubelet-sync': { type: 'string' },
  warmup: { type: 'string' },
  cooldown: { type: 'string' },
  timeout: { type: 'string' },
  out: { type: 'string' },
  context: { type: 'string' },
  image: { type: 'string' },
  'keep-cluster': { type: 'string' },
  'recreate-cluster': { type: 'boolean' },
  'kind-node-image': { type: 'string' },
  'node-port': { type: 'string' },
  'on-fail': { type: 'string' },
  chaos: { type: 'string' },
  'dry-run': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

function readArgs(argv: readonly string[]): Record<string, string | boolean | undefined> {
  try {
    return parseArgs({ args: [...argv], strict: true, allowPositionals: false, options: ROLLOUT_ARGS })
      .values;
  } catch (error) {
    // parseArgs explains itself well ("Unknown option '--rat'"); keep its first sentence only.
    throw new UsageError(`${String((error as Error).message).split('. ')[0]}. See --help.`, { cause: error });
  }
}

export function parseRolloutFlags(argv: readonly string[]): RolloutOptions {
  const values = readArgs(argv);
  const text = (name: string) => values[name] as string | undefined;
  const scenario = findScenario(choice('scenario', text('scenario'), SCENARIO_NAMES, 'hardened'))!;
  const options: RolloutOptions = {
    target: choice('target', text('target'), ['auto', ...TARGET_NAMES], 'auto'),
    scenario: scenario.name,
    change: choice('change', text('change'), CHANGES, scenario.change),
    rate: numberFlag(RATE_FLAG, text('rate'), usageError),
    keepAlive: choice('keep-alive', text('keep-alive'), ['on', 'off'], 'on') === 'on',
    mix: mixFlag(text('mix'), scenario.load?.mix),
    streams: numberFlag(
      { ...STREAMS_FLAG, fallback: scenario.load?.streams ?? STREAMS_FLAG.fallback },
      text('streams'),
      usageError,
    ),
    load: choice('load', text('load'), ['auto', 'builtin', 'k6', 'none'], 'auto'),
    lbPort: Math.trunc(number('lb-port', text('lb-port'), 0, 0, 65535, 'a port number')),
    propagationLagMs:
      number('propagation-lag', text('propagation-lag'), DEFAULT_PROPAGATION_LAG_S, 0, 60, 'seconds') * 1000,
    kubeletSyncMs:
      number('kubelet-sync', text('kubelet-sync'), DEFAULT_KUBELET_SYNC_S, 0.1, 600, 'seconds') * 1000,
    warmupMs: number('warmup', text('warmup'), 5, 1, 3600, 'seconds') * 1000,
    cooldownMs: number('cooldown', text('cooldown'), scenario.cooldownS ?? 5, 1, 3600, 'seconds') * 1000,
    requestTimeoutMs: number('timeout', text('timeout'), 10, 0.1, 600, 'seconds') * 1000,
    out: text('out') ?? null,
    dryRun: values['dry-run'] === true,
    context: text('context') ?? null,
    image: text('image') ?? null,
    keepCluster: choice('keep-cluster', text('keep-cluster'), ['on', 'off'], 'on') === 'on',
    recreateCluster: values['recreate-cluster'] === true,
    kindNodeImage: text('kind-node-image') ?? null,
    nodePort: choice('node-port', text('node-port'), ['on', 'off'], 'off') === 'on',
    onFail: choice('on-fail', text('on-fail'), ['stop', 'rollback'], 'stop'),
    chaos: choice('chaos', text('chaos'), ['none', 'kill-pod'], 'none'),
    help: values.help === true,
  };
  checkTargetFlags(options.target, values);
  if (options.streams > 0 && (options.load === 'k6' || options.load === 'none'))
    throw new UsageError(
      `--streams needs the builtin load (k6 has no EventSource client), not --load ${options.load}.`,
    );
  if (options.mix.post > 0 && options.load === 'none')
    throw new UsageError('--mix needs a load of ours (builtin or k6) to send the orders, not --load none.');
  return options;
}

function mixFlag(raw: string | undefined, fallback = GET_ONLY): RequestMix {
  if (raw === undefined) return fallback;
  try {
    return parseMix(raw);
  } catch (error) {
    throw new UsageError((error as Error).message, { cause: error });
  }
}
