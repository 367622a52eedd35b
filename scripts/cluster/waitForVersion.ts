/**
 * Polls `GET url` until it answers 200 from `version` (X-App-Version), or gives up after timeoutMs.
 * `kubectl rollout status` says the pods are ready; this says the path the load will take (host port →
 * NodePort → Service → pod) really reaches them.
 */
export async function waitForVersion(
  url: string,
  version: string,
  options: { timeoutMs: number; intervalMs?: number; signal?: AbortSignal },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline && !options.signal?.aborted) {
    try {
      // v1 takes 2 s per request: a 5 s timeout per attempt.
      const response = await fetch(url, { signal: AbortSignal.timeout(5000) });
      await response.arrayBuffer();
      const answered = response.headers.get('x-app-version');
      if (response.status === 200 && answered === version) return;
      last = `HTTP ${response.status} from version ${answered ?? 'unknown'}`;
    } catch (error) {
      last = describe(error);
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500));
  }
  throw new Error(
    `${url} did not answer from version ${version} within ${Math.round(options.timeoutMs / 1000)} s (last: ${last})`,
  );
}

function describe(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  return cause?.code ?? (error instanceof Error ? error.message : String(error));
}
