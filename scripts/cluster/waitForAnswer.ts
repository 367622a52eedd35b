import {
  matchesStatus,
  versionInBody,
  type RequestShape,
  type VersionSource,
} from '../../loadtest/requestShape.js';

/**
 * Polls the Service as the load will ask it (`request`: method, path, expected statuses) until it answers
 * as expected, and, when `version` is given, from that version (read as the load reads it); gives up after
 * timeoutMs. `kubectl rollout status` says the pods are ready; this says the path the load will take (host
 * port → NodePort → Service → pod) really reaches them.
 */
export async function waitForAnswer(
  url: string,
  request: RequestShape,
  version: string | null,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  const target = new URL(request.path, url).href;
  let last = 'no answer yet';
  while (Date.now() < deadline && !options.signal?.aborted) {
    try {
      // The sample's v1 takes 2 s per request: a 5 s timeout per attempt.
      const response = await fetch(target, { method: request.method, signal: AbortSignal.timeout(5000) });
      const body = request.versionFrom.from === 'body' ? await response.text() : '';
      if (request.versionFrom.from !== 'body') await response.arrayBuffer();
      const answered = versionOf(request.versionFrom, response.headers, body);
      const expected = matchesStatus(request.expect, response.status);
      if (expected && (version === null || answered === version)) return;
      last = `HTTP ${response.status}${version === null ? '' : ` from version ${answered ?? 'unknown'}`}`;
    } catch (error) {
      last = describe(error);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
  const what = version === null ? 'as expected' : `from version ${version}`;
  throw new Error(
    `${target} did not answer ${what} within ${Math.round(options.timeoutMs / 1000)} s (last: ${last})`,
  );
}

/** The answer's version as the load reads it (loadtest/requestShape.ts). */
function versionOf(source: VersionSource, headers: Headers, body: string): string | null {
  if (source.from === 'header') return headers.get(source.name);
  if (source.from === 'body') return versionInBody(new RegExp(source.pattern), body);
  return null;
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
