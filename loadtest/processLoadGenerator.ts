import { createWriteStream, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadGenerator, LoadProgress, LoadResult } from './loadGenerator.js';
import { STARTED_LINE } from './loadFlags.js';
import type { LoadFigures } from './loadSummary.js';
import { deferred, startLoadProcess, within, type LoadProcess, type LoadProcessExit } from './loadProcess.js';
import { NdjsonTail } from './ndjsonTail.js';
import { formatMix, type RequestMix } from './requestMix.js';
import { isFailed, type RequestSample } from './requestSample.js';
import { formatStatuses, formatVersionFrom, type RequestShape } from './requestShape.js';
import type { StreamSample } from './streamSample.js';

export interface ProcessLoadOptions {
  baseUrl: string;
  rate: number;
  keepAlive: boolean;
  timeoutMs: number;
  maxDurationMs: number;
  /** Where the tool writes load.ndjson, load-summary.json and load.log (and streams.ndjson). */
  outDir: string;
  /** The share of POST /orders (default: GETs only). */
  mix?: RequestMix;
  /** How to ask and how to tell versions apart (default SAMPLE_REQUEST); its path goes after baseUrl's origin. */
  request?: RequestShape;
  /** Long-lived streams held open beside the requests (default 0). */
  streams?: number;
  pollIntervalMs?: number;
}

const LOAD_CLI = path.join(path.dirname(fileURLToPath(import.meta.url)), 'loadCli.js');

/**
 * The built-in open-model generator in a process of its own (the `load` tool), read as k6 is read: through
 * the NDJSON file it appends to. A pause in the harness (a report being written, a slow kubectl) can no longer
 * delay a send, and the instrument keeps its own clock. stop() sends SIGTERM: the tool ends its schedule,
 * lets requests in flight finish and writes them, so nothing is lost at the end ('settled').
 */
export function createProcessLoadGenerator(options: ProcessLoadOptions): LoadGenerator {
  const files = {
    samples: path.join(options.outDir, 'load.ndjson'),
    summary: path.join(options.outDir, 'load-summary.json'),
    log: path.join(options.outDir, 'load.log'),
    streams: path.join(options.outDir, 'streams.ndjson'),
  };
  const samples: RequestSample[] = [];
  const progress: LoadProgress = { sent: 0, completed: 0, failed: 0, byVersion: {} };
  const tail = new NdjsonTail(files.samples, (line) => {
    const sample = JSON.parse(line) as RequestSample;
    samples.push(sample);
    countSample(progress, sample);
  });
  let running: LoadProcess | null = null;
  let stopping: Promise<LoadResult> | null = null;
  // Asked for before start() too: they follow the process once there is one.
  const started = deferred();
  const exited = deferred();
  return {
    start() {
      if (running !== null) throw new Error('load generator already started');
      running = startLoadTool(options, files, tail);
      void running.started.then(started.resolve);
      void running.exited.then(exited.resolve);
    },
    started: () => started.promise,
    finished: () => exited.promise,
    progress: () => ({ ...progress, byVersion: { ...progress.byVersion } }),
    stop() {
      const proc = running;
      if (proc === null) return Promise.reject(new Error('load generator was never started'));
      stopping ??= (async () => {
        // A SIGTERM before the tool has its handlers would kill it without its samples: wait for its line.
        await within(proc.started, 10_000);
        // The tool waits at most one request timeout for what is in flight; then some margin.
        await proc.stop({ signal: 'SIGTERM', graceMs: options.timeoutMs + 10_000 });
        const result = collect(files, samples, proc.exit());
        if ((options.streams ?? 0) > 0) result.streams = readStreams(files.streams);
        return result;
      })();
      return stopping;
    },
  };
}

function countSample(progress: LoadProgress, sample: RequestSample): void {
  progress.sent++;
  progress.completed++;
  if (isFailed(sample)) progress.failed++;
  if (sample.status !== null) {
    const version = sample.version ?? 'unknown';
    progress.byVersion[version] = (progress.byVersion[version] ?? 0) + 1;
  }
}

type ToolFiles = { samples: string; summary: string; log: string; streams: string };

function startLoadTool(options: ProcessLoadOptions, files: ToolFiles, tail: NdjsonTail): LoadProcess {
  mkdirSync(options.outDir, { recursive: true });
  for (const file of [files.samples, files.summary, files.streams]) rmSync(file, { force: true });
  // Two writers append to the log (the tool's stderr, and its stdout relayed below).
  writeFileSync(files.log, '');
  const args = [
    LOAD_CLI,
    ...['--url', loadUrl(options), '--rate', String(options.rate)],
    ...['--duration', String(options.maxDurationMs / 1000), '--keep-alive', options.keepAlive ? 'on' : 'off'],
    ...['--timeout', String(options.timeoutMs / 1000), '--out', files.samples, '--summary', files.summary],
    ...(options.mix === undefined ? [] : ['--mix', formatMix(options.mix)]),
    ...(options.request === undefined ? [] : requestArgs(options.request)),
    ...(options.streams ? ['--streams', String(options.streams), '--streams-out', files.streams] : []),
  ];
  const proc = startLoadProcess({
    command: process.execPath,
    args,
    logFile: files.log,
    stdout: 'pipe',
    tail,
    pollIntervalMs: options.pollIntervalMs ?? 250,
  });
  const logStream = createWriteStream(files.log, { flags: 'a' });
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    if (chunk.toString().includes(STARTED_LINE)) proc.markStarted();
    logStream.write(chunk);
  });
  proc.child.stdout?.on('end', () => logStream.end());
  return proc;
}

/** The tool takes the path from --url: the request's, after the base URL's origin. */
function loadUrl(options: ProcessLoadOptions): string {
  if (options.request === undefined) return options.baseUrl;
  return `${new URL(options.baseUrl).origin}${options.request.path}`;
}

function requestArgs(request: RequestShape): string[] {
  return [
    ...['--method', request.method, '--expect', formatStatuses(request.expect)],
    ...['--version-from', formatVersionFrom(request.versionFrom)],
  ];
}

function collect(files: ToolFiles, samples: RequestSample[], exit: LoadProcessExit | null): LoadResult {
  let figures: LoadFigures;
  try {
    figures = JSON.parse(readFileSync(files.summary, 'utf8')) as LoadFigures;
  } catch (error) {
    throw new Error(
      `the load tool ended without its summary (exit ${exit?.code ?? exit?.signal ?? '?'}); see ${files.log}`,
      { cause: error },
    );
  }
  samples.sort((a, b) => a.scheduledAt - b.scheduledAt);
  return { ...figures, samples, inFlightAtStop: 'settled', artifacts: files };
}

/** The streams the tool wrote as each ended (written whole by the time the tool exits). */
function readStreams(file: string): StreamSample[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as StreamSample);
}
