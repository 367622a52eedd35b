/**
 * The kinds of short request a load mixes: `GET /` (idempotent) and `POST /orders` (not: a client that saw
 * an error cannot tell whether the order was processed). `--mix get:80,post:20` sends one POST in five.
 */
export interface RequestMix {
  /** Shares in percent; they add up to 100. */
  get: number;
  post: number;
}

export const GET_ONLY: RequestMix = { get: 100, post: 0 };

/** The route the POSTs of a mix go to, and the body they carry. */
export const ORDERS_PATH = '/orders';
export const orderBody = (orderId: string) => JSON.stringify({ id: orderId });

/**
 * `get:80,post:20` → { get: 80, post: 20 }. Each kind at most once, whole percentages adding up to 100;
 * anything else is a RangeError whose message is one plain line for the flag's error.
 */
export function parseMix(text: string): RequestMix {
  const mix: RequestMix = { get: 0, post: 0 };
  const seen = new Set<string>();
  for (const part of text.split(',')) {
    const match = /^(get|post):(\d{1,3})$/.exec(part.trim());
    if (match === null || seen.has(match[1]!)) {
      throw new RangeError(`Invalid --mix "${text}": expected kind:percent pairs such as get:80,post:20.`);
    }
    seen.add(match[1]!);
    mix[match[1] as keyof RequestMix] = Number(match[2]);
  }
  if (mix.get + mix.post !== 100) {
    throw new RangeError(
      `Invalid --mix "${text}": the percentages add up to ${mix.get + mix.post}, not 100.`,
    );
  }
  return mix;
}

export const formatMix = (mix: RequestMix) => `get:${mix.get},post:${mix.post}`;

/**
 * Whether request `index` of the schedule is a POST: spread evenly (with post:20, one in every five,
 * never five in a row), so every second of the rollout carries its share, and the same on every run.
 */
export function isPost(index: number, mix: RequestMix): boolean {
  // Whole numbers until the division, so no rounding error decides a request's kind.
  return Math.floor(((index + 1) * mix.post) / 100) > Math.floor((index * mix.post) / 100);
}
