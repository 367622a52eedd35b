import path from 'node:path';
import { createK6Generator } from '../../loadtest/k6Generator.js';
import type { LoadGenerator } from '../../loadtest/loadGenerator.js';
import { createProcessLoadGenerator } from '../../loadtest/processLoadGenerator.js';
import { checkRequestShape, type RequestShape } from '../../loadtest/requestShape.js';
import { UsageError } from '../errors.js';
import { findOnPath } from '../tools.js';
import type { RolloutOptions } from './rolloutFlags.js';

export type LoadName = 'builtin' | 'k6' | 'none';

/**
 * --load auto: k6 when it is on PATH (on every target), else the built-in generator; the built-in one
 * whenever the load holds streams, which the k6 script does not open (k6 has no EventSource client).
 */
export function pickLoad(
  requested: RolloutOptions['load'],
  k6Path = findOnPath('k6'),
  needsBuiltin = false,
): LoadName {
  if (requested === 'auto' && needsBuiltin) return 'builtin';
  if (requested === 'k6' && k6Path === null) {
    throw new UsageError(
      'k6 not found on PATH: install it from https://grafana.com/docs/k6/latest/set-up/install-k6/ or use --load builtin',
    );
  }
  if (requested === 'auto') return k6Path === null ? 'builtin' : 'k6';
  return requested;
}

/** What the load is made from: the rollout's settings it reads, and how to ask the service. */
export interface LoadOptions extends Pick<
  RolloutOptions,
  'rate' | 'keepAlive' | 'requestTimeoutMs' | 'warmupMs' | 'cooldownMs' | 'change' | 'mix' | 'streams'
> {
  /** How each request asks and how its version is read (default SAMPLE_REQUEST: GET /, 200, X-App-Version). */
  request?: RequestShape;
  /**
   * The versions k6's thresholds require answers from; absent: the sample's 1 and 2 (1 for a configuration-only
   * change). A team's app spells its versions its own way: none, and the harness judges them (npm run prove).
   */
  versions?: readonly string[];
}

/** Makes the chosen generator for the Service's URL; null for --load none. */
export function createLoad(
  name: LoadName,
  options: LoadOptions,
  outDir: string,
): (baseUrl: string) => LoadGenerator | null {
  // Now, not at the first request: a contradiction is bad usage before anything runs.
  if (options.request !== undefined) checkRequestShape(options.request, options.mix);
  const request = options.request === undefined ? {} : { request: options.request };
  // Bounded in time and count whatever happens: the rollout's own deadline is far shorter.
  const maxDurationMs = options.warmupMs + options.cooldownMs + 15 * 60_000;
  const common = {
    rate: options.rate,
    keepAlive: options.keepAlive,
    timeoutMs: options.requestTimeoutMs,
    maxDurationMs,
  };
  return (baseUrl) => {
    if (name === 'none') return null;
    // k6's thresholds require an answer from each version: a configuration-only change keeps version 1.
    const versions = options.versions ?? (options.change === 'config' ? ['1'] : ['1', '2']);
    if (name === 'k6')
      return createK6Generator({ ...common, ...request, baseUrl, outDir, versions, mix: options.mix });
    // The built-in generator runs as a process of its own (npm run load), read through its NDJSON like k6.
    return createProcessLoadGenerator({
      ...common,
      ...request,
      baseUrl,
      outDir: path.join(outDir, 'load'),
      mix: options.mix,
      streams: options.streams,
    });
  };
}
