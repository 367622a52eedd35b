import { spawn, type ChildProcess } from 'node:child_process';
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadGenerator, LoadProgress, LoadResult } from './loadGenerator.js';
import { STARTED_LINE } from './loadFlags.js';
import type { LoadFigures } from './loadSummary.js';
import { NdjsonTail } from './ndjsonTail.js';
import { formatMix, type RequestMix } from './requestMix.js';
import { isFailed, type RequestSample } from './requestSample.js';
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
    progress.sent++;
    progress.completed++;
    if (isFailed(sample)) progress.failed++;
    if (sample.status !== null) {
      const version = sample.version ?? 'unknown';
      progress.byVersion[version] = (progress.byVersion[version] ?? 0) + 1;
    }
  });
  let child: ChildProcess | null = null;
  let poller: NodeJS.Timeout | null = null;
  let exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  let resolveExited: () => void = () => undefined;
  const exited = new Promise<void>((resolve) => (resolveExited = resolve));
  let resolveStarted: () => void = () => undefined;
  const started = new Promise<void>((resolve) => (resolveStarted = resolve));
  let stopping: Promise<LoadResult> | null = null;
  // The harness exiting first (a second Ctrl-C) must not leave the tool loading the Service.
  const killOnExit = () => child?.kill('SIGKILL');

  const collect = async (): Promise<LoadResult> => {
    if (poller !== null) clearInterval(poller);
    await tail.finish();
    let figures: LoadFigures;
    try {
      figures = JSON.parse(readFileSync(files.summary, 'utf8')) as LoadFigures;
    } catch {
      throw new Error(
        `the load tool ended without its summary (exit ${exit?.code ?? exit?.signal ?? '?'}); see ${files.log}`,
      );
    }
    samples.sort((a, b) => a.scheduledAt - b.scheduledAt);
    const result: LoadResult = { ...figures, samples, inFlightAtStop: 'settled', artifacts: files };
    if ((options.streams ?? 0) > 0) result.streams = readStreams(files.streams);
    return result;
  };

  return {
    start() {
      if (child !== null) throw new Error('load generator already started');
      mkdirSync(options.outDir, { recursive: true });
      for (const file of [files.samples, files.summary, files.streams]) rmSync(file, { force: true });
      // Two writers append to the log (the tool's stderr, and its stdout relayed below).
      writeFileSync(files.log, '');
      const log = openSync(files.log, 'a');
      try {
        const args = [
          LOAD_CLI,
          '--url',
          options.baseUrl,
          '--rate',
          String(options.rate),
          '--duration',
          String(options.maxDurationMs / 1000),
          '--keep-alive',
          options.keepAlive ? 'on' : 'off',
          '--timeout',
          String(options.timeoutMs),
          '--out',
          files.samples,
          '--summary',
          files.summary,
          ...(options.mix === undefined ? [] : ['--mix', formatMix(options.mix)]),
          ...(options.streams ? ['--streams', String(options.streams), '--streams-out', files.streams] : []),
        ];
        // Its own process group: a Ctrl-C in the terminal reaches the harness, which stops the tool once.
        child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', log], detached: true });
      } finally {
        closeSync(log);
      }
      // A SIGTERM before the tool has its handlers would kill it without its samples: stop() waits for this.
      const logStream = createWriteStream(files.log, { flags: 'a' });
      child.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes(STARTED_LINE)) resolveStarted();
        logStream.write(chunk);
      });
      child.stdout?.on('end', () => logStream.end());
      child.once('exit', (code, signal) => {
        exit = { code, signal };
        process.removeListener('exit', killOnExit);
        resolveStarted();
        resolveExited();
      });
      process.once('exit', killOnExit);
      poller = setInterval(() => void tail.poll().catch(() => undefined), options.pollIntervalMs ?? 250);
      poller.unref();
    },
    started: () => started,
    finished: () => exited,
    progress: () => ({ ...progress, byVersion: { ...progress.byVersion } }),
    stop() {
      if (child === null) return Promise.reject(new Error('load generator was never started'));
      const running = child;
      stopping ??= (async () => {
        let waited: NodeJS.Timeout | undefined;
        await Promise.race([started, new Promise((resolve) => (waited = setTimeout(resolve, 10_000)))]);
        // Cleared, or it would hold the harness's process open for the rest of the 10 s.
        clearTimeout(waited);
        if (exit === null) {
          running.kill('SIGTERM');
          // The tool waits at most one request timeout for what is in flight; then some margin.
          const bound = setTimeout(() => running.kill('SIGKILL'), options.timeoutMs + 10_000);
          await exited;
          clearTimeout(bound);
        }
        return collect();
      })();
      return stopping;
    },
  };
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
