import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { K6SampleCollector } from './k6Samples.js';
import { readK6Thresholds } from './k6Summary.js';
import type { LoadGenerator, LoadProgress, LoadResult } from './loadGenerator.js';
import { deferred, startLoadProcess, type LoadProcess, type LoadProcessExit } from './loadProcess.js';
import { NdjsonTail } from './ndjsonTail.js';
import type { RequestMix } from './requestMix.js';
import { checkRequestShape, formatStatuses, formatVersionFrom, type RequestShape } from './requestShape.js';

export interface K6Options {
  /** Where k6 sends GET / (http://127.0.0.1:PORT). */
  baseUrl: string;
  /** Requests per second. */
  rate: number;
  keepAlive: boolean;
  /** Whole-request timeout. */
  timeoutMs: number;
  /** Upper bound of the run (k6's DURATION); the harness normally ends it earlier with stop(). */
  maxDurationMs: number;
  /** The share of POST /orders among the requests (the script's POST_PERCENT); default GETs only. */
  mix?: RequestMix;
  /**
   * How to ask and how to tell versions apart (default SAMPLE_REQUEST): the script's METHOD, REQUEST_PATH,
   * EXPECT and VERSION_FROM. With the version from nowhere, the script requires no answer from any version.
   */
  request?: RequestShape;
  /** The versions whose answers the script's thresholds require (default 1 and 2; a configuration-only change: 1). */
  versions?: readonly string[];
  /** Folder for k6's JSON output, summary, dashboard export and log. */
  outDir: string;
  /** The k6 executable (default: `k6` from PATH). */
  k6Path?: string;
  /** Default: loadtest/rollout.k6.js of this checkout. */
  scriptPath?: string;
  /** Environment of the k6 process (default: this process's). */
  env?: NodeJS.ProcessEnv;
  /** How long stop() lets k6 wind down after SIGINT before killing it (default 60 s). */
  stopTimeoutMs?: number;
  /** How often the JSON output is read for progress() (default 1 s). */
  pollIntervalMs?: number;
}

/** What k6's exit codes mean (errext/exitcodes/codes.go in grafana/k6). */
export const k6ExitCodeMeaning: Readonly<Record<number, string>> = {
  0: 'finished, every threshold held',
  99: 'one or more thresholds were crossed',
  103: 'stopped through the REST API',
  104: 'invalid configuration',
  105: 'stopped by a signal',
  107: 'the script threw an exception',
  108: 'the script aborted the test',
};

const defaultScript = fileURLToPath(new URL('../../loadtest/rollout.k6.js', import.meta.url));

export interface K6Files {
  output: string;
  summary: string;
  dashboard: string;
  log: string;
}

/** The command, arguments and extra environment the generator runs k6 with: also what --dry-run prints. */
export function k6Invocation(o: K6Options): {
  command: string;
  args: string[];
  env: Record<string, string>;
  files: K6Files;
} {
  const files: K6Files = {
    output: join(o.outDir, 'k6-output.json'),
    summary: join(o.outDir, 'k6-summary.json'),
    dashboard: join(o.outDir, 'k6-dashboard.html'),
    log: join(o.outDir, 'k6.log'),
  };
  const scriptEnv = {
    BASE_URL: o.baseUrl,
    // The script takes whole requests per second.
    RATE: String(Math.max(1, Math.round(o.rate))),
    DURATION: `${Math.ceil(o.maxDurationMs / 1000)}s`,
    TIMEOUT: `${Math.ceil(o.timeoutMs)}ms`,
    KEEP_ALIVE: o.keepAlive ? 'on' : 'off',
    VERSIONS: (o.versions ?? ['1', '2']).join(','),
    ...(o.mix && o.mix.post > 0 ? { POST_PERCENT: String(o.mix.post) } : {}),
    ...(o.request === undefined ? {} : requestEnv(o.request)),
    SUMMARY_PATH: files.summary,
  };
  return {
    command: o.k6Path ?? 'k6',
    // Never --no-thresholds: a run that claims a result keeps its pass/fail criteria.
    args: [
      'run',
      '--quiet',
      '--no-usage-report',
      '--out',
      `json=${files.output}`,
      ...Object.entries(scriptEnv).flatMap(([k, v]) => ['-e', `${k}=${v}`]),
      o.scriptPath ?? defaultScript,
    ],
    // https://grafana.com/docs/k6/latest/results-output/web-dashboard/: the export is written at
    // the end of the run; port -1 opens no port, so k6 never waits for a browser to leave.
    env: { K6_WEB_DASHBOARD: 'true', K6_WEB_DASHBOARD_EXPORT: files.dashboard, K6_WEB_DASHBOARD_PORT: '-1' },
    files,
  };
}

/** The script's settings for a RequestShape, in the same forms as `npm run load`'s flags. */
function requestEnv(request: RequestShape): Record<string, string> {
  return {
    METHOD: request.method,
    REQUEST_PATH: request.path,
    EXPECT: formatStatuses(request.expect),
    VERSION_FROM: formatVersionFrom(request.versionFrom),
  };
}

/**
 * Runs k6 with loadtest/rollout.k6.js as a child process behind the LoadGenerator interface.
 *
 * Stopping: the harness does not know the run's length up front (a rollout takes what it takes), so
 * k6 gets a generous DURATION and stop() sends it one SIGINT. k6 treats the first SIGINT as a
 * graceful stop: it aborts the run, still evaluates the thresholds, runs handleSummary and flushes
 * its outputs, then exits 105; a second signal would kill it on the spot, without a summary
 * (internal/cmd/run.go, gracefulStop/onHardStop). Two consequences, both handled here:
 * - the threshold outcome comes from the summary file, since the exit code is 105 either way;
 * - requests still in flight at the SIGINT leave no point in the output (k6 drops samples of an
 *   aborted context: metrics.PushIfNotDone), so they are missing, not failed: the result says so
 *   (inFlightAtStop 'lost', with the request timeout that bounds how long one can have been in
 *   flight), and the verdict judges the window that was recorded (scripts/verdict/judgedWindow.ts).
 * k6 runs in its own process group so a Ctrl-C in the terminal does not reach it as a second
 * signal: the harness stops it, once. When the harness itself exits first (a second Ctrl-C), k6
 * is killed on the way out, or it would go on loading the Service with nobody reading.
 */
export function createK6Generator(options: K6Options): LoadGenerator {
  return new K6Generator(options);
}

class K6Generator implements LoadGenerator {
  private readonly invocation: ReturnType<typeof k6Invocation>;
  private readonly files: K6Files;
  private readonly collector: K6SampleCollector;
  private readonly tail: NdjsonTail;
  private process: LoadProcess | null = null;
  private stopRequestedAt: number | null = null;
  // Asked for before start() too: they follow the process once there is one.
  private readonly startedOutput = deferred();
  private readonly exited = deferred();
  private stopping: Promise<LoadResult> | null = null;

  constructor(private readonly o: K6Options) {
    if (!(o.rate > 0) || !Number.isFinite(o.rate)) throw new RangeError(`rate must be > 0, got ${o.rate}`);
    if (!(o.timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${o.timeoutMs}`);
    if (!(o.maxDurationMs >= 1000))
      throw new RangeError(`maxDurationMs must be >= 1000, got ${o.maxDurationMs}`);
    if (o.request !== undefined) checkRequestShape(o.request, o.mix);
    this.collector = new K6SampleCollector(o.request);
    this.invocation = k6Invocation(o);
    this.files = this.invocation.files;
    this.tail = new NdjsonTail(this.files.output, (line) => {
      this.process?.markStarted();
      this.collector.push(line);
    });
  }

  start(): void {
    if (this.process !== null) throw new Error('load generator already started');
    mkdirSync(this.o.outDir, { recursive: true });
    // A summary left over from an earlier run would lend its verdict to this one.
    for (const file of [this.files.output, this.files.summary, this.files.dashboard])
      rmSync(file, { force: true });
    writeFileSync(this.files.log, '');
    const { command, args, env } = this.invocation;
    const proc = startLoadProcess({
      command,
      args,
      env: { ...(this.o.env ?? process.env), ...env },
      logFile: this.files.log,
      stdout: 'log',
      tail: this.tail,
      pollIntervalMs: this.o.pollIntervalMs ?? 1000,
    });
    this.process = proc;
    void proc.started.then(this.startedOutput.resolve);
    void proc.exited.then(this.exited.resolve);
  }

  /** k6 says nothing when it begins: its first line of JSON output is the sign (read at each poll). */
  started(): Promise<void> {
    return this.startedOutput.promise;
  }

  finished(): Promise<void> {
    return this.exited.promise;
  }

  progress(): LoadProgress {
    const c = this.collector;
    return {
      sent: c.completed + c.dropped,
      completed: c.completed,
      failed: c.failed,
      byVersion: { ...c.byVersion },
    };
  }

  stop(): Promise<LoadResult> {
    const proc = this.process;
    if (proc === null) return Promise.reject(new Error('load generator was never started'));
    this.stopping ??= (async () => {
      const plan = { signal: 'SIGINT' as const, graceMs: this.o.stopTimeoutMs ?? 60_000, killWaitMs: 5000 };
      this.stopRequestedAt = await proc.stop(plan);
      return this.result(proc);
    })();
    return this.stopping;
  }

  private async result(proc: LoadProcess): Promise<LoadResult> {
    const exit = proc.exit();
    const spawnedAt = proc.spawnedAt;
    const samples = this.collector.sorted();
    const thresholds = await readK6Thresholds(this.files.summary);
    const code = exit?.code ?? null;
    // Exit 99 is k6's own word that a threshold was crossed; otherwise the summary tells.
    const thresholdsPassed = code === 99 ? false : (thresholds.passed ?? (code === 0 ? true : undefined));
    const stoppedBy = this.stopRequestedAt ?? exit?.at ?? Date.now();
    let first = stoppedBy;
    let last = spawnedAt;
    let sent = 0;
    for (const s of samples) {
      if (s.startedAt < first) first = s.startedAt;
      if (s.endedAt > last) last = s.endedAt;
      if (s.error !== 'dropped') sent++;
    }
    if (samples.length === 0) first = spawnedAt;
    // Stopped by us: the requests of the last moments (up to the longest one seen, the timeout at
    // most) may be missing, so they count neither as sent nor as window.
    const lost = this.stopRequestedAt !== null;
    let longest = 0;
    for (const s of samples) longest = Math.max(longest, s.latencyMs);
    const recordedUntil =
      Math.min(stoppedBy, exit?.at ?? stoppedBy) - (lost ? Math.min(this.o.timeoutMs, longest) : 0);
    if (lost) sent = samples.filter((s) => s.error !== 'dropped' && s.startedAt <= recordedUntil).length;
    const windowMs = Math.max(0, recordedUntil - first);
    const achievedRate = windowMs > 0 ? (sent * 1000) / windowMs : 0;
    const result: LoadResult = {
      samples,
      startedAt: first,
      endedAt: Math.max(last, first),
      rate: this.o.rate,
      keepAlive: this.o.keepAlive,
      inFlightAtStop: lost ? 'lost' : 'settled',
      requestTimeoutMs: this.o.timeoutMs,
      achievedRate,
      shortfall: Math.max(0, 1 - achievedRate / this.o.rate),
      // k6 does not say when an iteration was scheduled: one it could not start on time shows up
      // as a dropped sample instead of a lag.
      sendLagMs: { p50: 0, p99: 0, max: 0 },
      tool: 'k6',
      exitCode: code,
      failedThresholds: thresholds.failed,
      artifacts: { ...this.files },
    };
    if (thresholdsPassed !== undefined) result.thresholdsPassed = thresholdsPassed;
    const problem = this.problem(exit);
    if (problem !== null) result.problem = problem;
    return result;
  }

  /** A sentence when k6 did not run the way a good run does; null when it did. */
  private problem(exit: LoadProcessExit | null): string | null {
    if (exit === null) return 'k6 did not exit';
    if (exit.error) {
      const missing = (exit.error as NodeJS.ErrnoException).code === 'ENOENT';
      return missing
        ? `k6 not found (${this.o.k6Path ?? 'k6'}): install it from https://grafana.com/docs/k6/latest/set-up/install-k6/`
        : `k6 could not be started: ${exit.error.message}`;
    }
    const stoppedByUs = this.stopRequestedAt !== null;
    if (exit.code === null)
      return `k6 was killed by ${exit.signal ?? 'a signal'}${stoppedByUs ? ' after it ignored SIGINT' : ''}`;
    if (exit.code === 0 || exit.code === 99 || (stoppedByUs && exit.code === 105)) return null;
    const meaning = k6ExitCodeMeaning[exit.code] ?? 'see k6.log';
    return `k6 exited with code ${exit.code} (${meaning})${stoppedByUs ? '' : ' before it was stopped'}`;
  }
}
