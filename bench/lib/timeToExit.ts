import path from 'node:path';
import { createOpenModelGenerator } from '../../loadtest/openModelGenerator.js';
import { isFailed } from '../../scripts/model.js';
import { benchRoot, round } from './benchResult.js';
import { spawnServer } from './spawnServer.js';

export interface ExitRun {
  /** Requests/s sent from before SIGTERM until the process exited (0: idle). */
  rate: number;
  exitCode: number | null;
  /** SIGTERM → process exit. */
  exitMs: number;
  /** SIGTERM → the last 200 arrived (the longest in-flight request finishing). */
  lastAnswerMs: number | null;
  /** Last 200 → exit: what shutdown itself costs once nothing is in flight. */
  afterLastAnswerMs: number | null;
  /** SHUTDOWN_DELAY_MS + WORK_DELAY_MS (the longest request, accepted at the end of the drain) + 100 ms. */
  boundMs: number;
  /** Answers per status while it shut down (errors after it stopped listening are expected here: no balancer). */
  answered: number;
}

/**
 * One service process (v2, `workMs` of work, `drainMs` of SHUTDOWN_DELAY_MS) under `rate` requests/s
 * (0: idle), sent SIGTERM after a second of load; measures SIGTERM → exit against
 * drain + longest in-flight request + 100 ms. Load keeps coming during the drain, so the last request
 * the server accepts arrives at the very end of it: the worst case.
 */
export async function timeToExit(rate: number, drainMs: number, workMs: number): Promise<ExitRun> {
  const env = {
    APP_VERSION: '2',
    WORK_DELAY_MS: String(workMs),
    SHUTDOWN_DELAY_MS: String(drainMs),
    SHUTDOWN_TIMEOUT_MS: String(workMs * 3),
    LOG_LEVEL: 'warn',
    POD_NAME: 'bench',
  };
  const server = await spawnServer(path.join(benchRoot, 'dist/service/main.js'), env);
  const gen =
    rate > 0
      ? createOpenModelGenerator({
          baseUrl: `http://127.0.0.1:${server.port}`,
          rate,
          keepAlive: true,
          timeoutMs: workMs * 4,
          maxDurationMs: 60_000,
          maxRequests: rate * 60,
        })
      : null;
  gen?.start();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const sigtermAt = performance.now();
  process.kill(server.pid, 'SIGTERM');
  const killTimer = setTimeout(() => void server.stop(0), drainMs + workMs * 4 + 5000);
  const exit = await server.exited;
  clearTimeout(killTimer);
  const result = await gen?.stop();
  const sigtermEpoch = performance.timeOrigin + sigtermAt;
  let lastAnswer: number | null = null;
  let answered = 0;
  for (const s of result?.samples ?? []) {
    if (isFailed(s)) continue;
    answered++;
    if (lastAnswer === null || s.endedAt > lastAnswer) lastAnswer = s.endedAt;
  }
  const lastAnswerMs = lastAnswer === null ? null : round(lastAnswer - sigtermEpoch);
  const exitMs = round(exit.at - sigtermAt);
  return {
    rate,
    exitCode: exit.code,
    exitMs,
    lastAnswerMs,
    afterLastAnswerMs: lastAnswerMs === null ? null : round(exitMs - lastAnswerMs),
    boundMs: drainMs + (rate > 0 ? workMs : 0) + 100,
    answered,
  };
}
