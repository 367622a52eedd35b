/**
 * Turns whatever a request failed with into one short, stable code for samples and reports:
 * OS errno codes pass through ('ECONNREFUSED', 'ECONNRESET', 'EPIPE', ...), undici's own errors
 * are folded into a few words. What each code means is the sample format's (requestSample.ts), so a report
 * can explain a failure without knowing the generator that recorded it.
 */

/** Carries our own reason through undici's abort(), so the sample says why. */
export class LoadAbort extends Error {
  /** Shared: when thousands of requests time out at once, capturing a stack for each costs real CPU. */
  static readonly timeout = new LoadAbort('timeout');

  constructor(readonly code: 'timeout' | 'aborted') {
    super(code);
  }
}

const undiciCodes: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'timeout',
  UND_ERR_HEADERS_TIMEOUT: 'timeout',
  UND_ERR_BODY_TIMEOUT: 'timeout',
  // undici reports a FIN from the server mid-request as SocketError('other side closed').
  UND_ERR_SOCKET: 'socket_closed',
  UND_ERR_CLOSED: 'aborted',
  UND_ERR_DESTROYED: 'aborted',
  UND_ERR_ABORTED: 'aborted',
  UND_ERR_ABORT: 'aborted',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'socket_closed',
};

export function errorCode(err: unknown): string {
  if (err instanceof LoadAbort) return err.code;
  if (typeof err !== 'object' || err === null) return 'error';
  // AbortController.abort(reason) and friends may wrap our reason.
  const cause = (err as { cause?: unknown }).cause;
  if (cause instanceof LoadAbort) return cause.code;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') {
    const mapped = undiciCodes[code];
    if (mapped !== undefined) {
      // A socket error that wraps an OS error (e.g. ECONNRESET) is better named by it.
      if (code === 'UND_ERR_SOCKET' && cause !== undefined && cause !== err) {
        const inner = errorCode(cause);
        if (inner !== 'error') return inner;
      }
      return mapped;
    }
    if (/^E[A-Z0-9]+$/.test(code)) return code;
    if (code.startsWith('HPE_')) return 'bad_response';
  }
  // Happy-eyeballs connects report every failed address at once.
  if (err instanceof AggregateError && err.errors.length > 0) return errorCode(err.errors[0]);
  return 'error';
}
