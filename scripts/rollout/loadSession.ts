import type { LoadGenerator, LoadProgress, LoadResult } from '../../loadtest/loadGenerator.js';
import type { RunRecord } from '../model.js';

/** What the rollout's steps do with the load: start it once the Service answers, stop it at the end. */
export interface LoadControl {
  start(baseUrl: string): void;
  /** Resolves once our own load sends requests (at once with no load of our own): the warm-up counts from here. */
  started(): Promise<void>;
  /**
   * Stops sending. Once: later calls (the teardown's, after an interruption or an error) share the
   * first stop and its outcome. Resolves with the number of requests sent, null with no load of our own.
   */
  stop(): Promise<number | null>;
}

/** A run's load from start to stop, and the run record's account of it. */
export interface LoadSession extends LoadControl {
  record(): Pick<RunRecord, 'samples' | 'streams' | 'load'>;
}

export interface LoadSessionOptions {
  generator: RunRecord['load']['generator'];
  /** Makes the generator for the Service's URL; null means no load of our own (--load none). */
  createLoad: (baseUrl: string) => LoadGenerator | null;
  rate: number;
  keepAlive: boolean;
  /** Called every second while our own load runs (the live status line). */
  onProgress?: (progress: LoadProgress) => void;
}

export function createLoadSession(options: LoadSessionOptions): LoadSession {
  let load: LoadGenerator | null = null;
  let startedAt: number | null = null;
  let stoppedAt: number | null = null;
  let result: LoadResult | null = null;
  let stopping: Promise<number | null> | null = null;
  let statusTimer: NodeJS.Timeout | undefined;

  const stopOnce = async (): Promise<number | null> => {
    clearInterval(statusTimer);
    if (startedAt === null) return null;
    stoppedAt = Date.now();
    if (!load) return null;
    result = await load.stop();
    return result.samples.length;
  };

  return {
    start(baseUrl) {
      if (startedAt !== null) throw new Error('the load was started already');
      load = options.createLoad(baseUrl);
      startedAt = Date.now();
      if (!load) return;
      load.start();
      const { onProgress } = options;
      const running = load;
      if (onProgress) statusTimer = setInterval(() => onProgress(running.progress()), 1000);
    },
    started: () => load?.started() ?? Promise.resolve(),
    stop() {
      stopping ??= stopOnce();
      return stopping;
    },
    record() {
      const load = {
        generator: options.generator,
        rate: options.rate,
        keepAlive: options.keepAlive,
        startedAt: result?.startedAt ?? startedAt,
        // When sending stopped, not when the last answer came back: the delivered rate is measured over it.
        endedAt: stoppedAt,
        ...(result?.inFlightAtStop === undefined ? {} : { inFlightAtStop: result.inFlightAtStop }),
        ...(result?.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: result.requestTimeoutMs }),
        ...(result?.thresholdsPassed === undefined ? {} : { thresholdsPassed: result.thresholdsPassed }),
        ...(result?.failedThresholds ? { failedThresholds: result.failedThresholds } : {}),
        ...(result?.problem ? { problem: result.problem } : {}),
      };
      return {
        samples: result?.samples ?? [],
        ...(result?.streams === undefined ? {} : { streams: result.streams }),
        load,
      };
    },
  };
}
