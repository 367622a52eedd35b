import { flagHelp } from '../../loadtest/flags/flagHelp.js';
import { parseFlags, refuseFlagsOfOtherTargets } from '../../loadtest/flags/parseFlags.js';
import { GET_ONLY, type RequestMix } from '../../loadtest/requestMix.js';
import { UsageError } from '../errors.js';
import { findScenario } from '../scenarios/scenarios.js';
import type { TargetName, TargetOptions } from '../target.js';
import { TARGETS } from '../targets/targets.js';
import { ROLLOUT_FLAGS } from './rolloutFlagTable.js';

/**
 * What `npm run demo:rollout -- ...` was asked to do, validated. The part every target takes is TargetOptions;
 * `targetFlags` holds the parsed values of every flag, from which the chosen target reads its own options.
 */
export interface RolloutOptions extends TargetOptions {
  target: 'auto' | TargetName;
  targetFlags: Readonly<Record<string, unknown>>;
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

export const USAGE = `Usage: npm run demo:rollout -- [options]

Rolls hello v1 → v2 under load and proves (or disproves) that no request was dropped.

${flagHelp(ROLLOUT_FLAGS)}

Exit status: 0 the proof passed, 1 it failed, 2 bad usage or a missing prerequisite, 130 interrupted.`;

export function parseRolloutFlags(argv: readonly string[]): RolloutOptions {
  const flags = parseFlags(ROLLOUT_FLAGS, argv);
  // --scenario's own defaults fill what was not given: its change, load and cool-down.
  const scenario = findScenario(flags.scenario)!;
  const options: RolloutOptions = {
    target: flags.target,
    targetFlags: flags,
    scenario: scenario.name,
    change: flags.change ?? scenario.change,
    rate: flags.rate,
    keepAlive: flags['keep-alive'],
    mix: flags.mix ?? scenario.load?.mix ?? GET_ONLY,
    streams: flags.streams ?? scenario.load?.streams ?? 0,
    load: flags.load,
    lbPort: flags['lb-port'],
    warmupMs: flags.warmup * 1000,
    cooldownMs: (flags.cooldown ?? scenario.cooldownS ?? 5) * 1000,
    requestTimeoutMs: flags.timeout * 1000,
    out: flags.out,
    dryRun: flags['dry-run'],
    onFail: flags['on-fail'],
    chaos: flags.chaos,
    help: flags.help,
  };
  // With auto, a flag is fine if auto could pick a target that takes it.
  const reachable =
    options.target === 'auto' ? TARGETS.filter((t) => t.detect).map((t) => t.name) : [options.target];
  refuseFlagsOfOtherTargets(ROLLOUT_FLAGS, flags, reachable);
  if (options.streams > 0 && (options.load === 'k6' || options.load === 'none'))
    throw new UsageError(
      `--streams needs the builtin load (k6 has no EventSource client), not --load ${options.load}.`,
    );
  if (options.mix.post > 0 && options.load === 'none')
    throw new UsageError('--mix needs a load of ours (builtin or k6) to send the orders, not --load none.');
  return options;
}
