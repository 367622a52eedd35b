import type { Dispatcher } from 'undici';
import type { RequestSample } from './requestSample.js';
import { ClientPool } from './clientPool.js';
import { LoadAbort } from './errorCode.js';
import { InFlightRequest, type InFlightOwner } from './inFlightRequest.js';
import type { LoadGenerator, LoadProgress, LoadResult } from './loadGenerator.js';
import { checkOpenModelOptions } from './openModelOptions.js';
import type { OpenModelOptions } from './openModelOptions.js';
import { GET_ONLY, isPost, ORDERS_PATH, orderBody, type RequestMix } from './requestMix.js';
import { ORDER_EXPECT, SAMPLE_REQUEST, type StatusSet } from './requestShape.js';
import { summarizeSchedule } from './scheduleFigures.js';

export type { OpenModelOptions };

/** The longest the sender sleeps between ticks; also the timeout check's resolution. */
const maxTickMs = 20;

/**
 * An open-model ("constant arrival rate") load generator on undici.
 *
 * Request i is scheduled at startedAt + i / rate whatever the server does: a closed model (send,
 * wait, send) slows down with the server and hides exactly the stalls a rollout causes (coordinated
 * omission, see https://www.scylladb.com/2021/04/22/on-coordinated-omission/). Latency counts from
 * the scheduled time, so a sender that falls behind shows up as latency rather than vanishing.
 * Late requests are sent late (catch-up), never skipped.
 */
export function createOpenModelGenerator(options: OpenModelOptions): LoadGenerator {
  return new OpenModelGenerator(options);
}

const { timeOrigin } = performance;

class OpenModelGenerator implements LoadGenerator, InFlightOwner {
  readonly clients: ClientPool;
  readonly versionHeader: string | null;
  readonly versionPattern: RegExp | null;
  private readonly expect: StatusSet;
  private readonly intervalMs: number;
  private readonly dispatchOptions: Dispatcher.DispatchOptions;
  private readonly mix: RequestMix;
  /** Makes each run's order ids its own, so two runs against one service never share one. */
  private readonly orderIdPrefix: string;
  private readonly samples: RequestSample[] = [];
  /** Requests in send order; their deadlines are in the same order, so timeouts are found from the head. */
  private queue: (InFlightRequest | undefined)[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | null = null;
  private begun = false;
  private scheduling = false;
  private startPerf = 0;
  private scheduleEndPerf = 0;
  private next = 0;
  private inFlight = 0;
  private completed = 0;
  private failed = 0;
  private readonly byVersion: Record<string, number> = {};
  private resolveFinished: (() => void) | null = null;
  private readonly finishedPromise: Promise<void>;
  private resolveStarted: (() => void) | null = null;
  private readonly startedPromise: Promise<void>;
  private stopping: Promise<LoadResult> | null = null;

  constructor(private readonly o: OpenModelOptions) {
    const url = checkOpenModelOptions(o);
    this.intervalMs = 1000 / o.rate;
    // As many connections as requests in flight: an open model never queues behind a busy one.
    this.clients = new ClientPool(url.origin, {
      pipelining: 1,
      connectTimeout: o.timeoutMs,
      // Backstops only: our own deadline check (whole request, from send) fires first.
      headersTimeout: o.timeoutMs * 2,
      bodyTimeout: o.timeoutMs * 2,
    });
    // reset: true makes undici send `connection: close` and drop the socket after the answer.
    const shape = o.request ?? SAMPLE_REQUEST;
    this.dispatchOptions = { method: shape.method, path: shape.path, reset: o.keepAlive ? undefined : true };
    this.expect = shape.expect;
    const from = shape.versionFrom;
    this.versionHeader = from.from === 'header' ? from.name : null;
    this.versionPattern = from.from === 'body' ? new RegExp(from.pattern) : null;
    this.mix = o.mix ?? GET_ONLY;
    this.orderIdPrefix = o.orderIdPrefix ?? `o${Date.now().toString(36)}`;
    this.finishedPromise = new Promise((resolve) => (this.resolveFinished = resolve));
    this.startedPromise = new Promise((resolve) => (this.resolveStarted = resolve));
  }

  start(): void {
    if (this.begun) throw new Error('load generator already started');
    this.begun = true;
    this.scheduling = true;
    this.startPerf = performance.now();
    this.resolveStarted?.();
    this.tick();
  }

  started(): Promise<void> {
    return this.startedPromise;
  }

  finished(): Promise<void> {
    return this.finishedPromise;
  }

  progress(): LoadProgress {
    return {
      sent: this.next,
      completed: this.completed,
      failed: this.failed,
      byVersion: { ...this.byVersion },
    };
  }

  stop(): Promise<LoadResult> {
    this.stopping ??= this.drainAndClose();
    return this.stopping;
  }

  private readonly tick = (): void => {
    this.timer = null;
    if (this.scheduling) this.sendDue();
    const now = performance.now();
    this.expire(now);
    if (!this.scheduling && this.inFlight === 0) {
      this.resolveFinished?.();
      return;
    }
    let delay = maxTickMs;
    if (this.scheduling)
      delay = Math.min(maxTickMs, Math.max(1, this.startPerf + this.next * this.intervalMs - now));
    this.timer = setTimeout(this.tick, delay);
  };

  /** Sends every request whose time has come, late ones included, each keeping its scheduled time. */
  private sendDue(): void {
    const { maxRequests, maxDurationMs, timeoutMs } = this.o;
    const endPerf = this.startPerf + maxDurationMs;
    for (;;) {
      if (this.next >= maxRequests) {
        this.endSchedule(this.startPerf + maxRequests * this.intervalMs);
        return;
      }
      const at = this.startPerf + this.next * this.intervalMs;
      if (at >= endPerf) {
        this.endSchedule(endPerf);
        return;
      }
      const now = performance.now();
      if (at > now) return;
      const client = this.clients.acquire();
      // Enough connections being opened already: this request waits (the next tick comes in 1 ms).
      if (client === undefined) return;
      const index = this.next++;
      const orderId = isPost(index, this.mix) ? `${this.orderIdPrefix}-${index}` : null;
      const req = new InFlightRequest(
        this,
        client,
        index,
        at,
        now,
        now + timeoutMs,
        orderId ? ORDER_EXPECT : this.expect,
        orderId,
      );
      this.queue.push(req);
      this.inFlight++;
      client.dispatch(orderId === null ? this.dispatchOptions : this.orderOptions(orderId), req);
    }
  }

  /** A POST /orders with its id: a body of its own, so options of its own. */
  private orderOptions(orderId: string): Dispatcher.DispatchOptions {
    return {
      ...this.dispatchOptions,
      method: 'POST',
      path: ORDERS_PATH,
      headers: { 'content-type': 'application/json' },
      body: orderBody(orderId),
    };
  }

  private endSchedule(atPerf: number): void {
    if (!this.scheduling) return;
    this.scheduling = false;
    this.scheduleEndPerf = atPerf;
  }

  /** Times out, from the head of the send-ordered queue, every request past its deadline. */
  private expire(now: number): void {
    const q = this.queue;
    while (this.head < q.length) {
      const req = q[this.head];
      if (req !== undefined && !req.settled) {
        if (req.deadline > now) break;
        this.settle(req, 'timeout');
        req.controller?.abort(LoadAbort.timeout);
      }
      q[this.head++] = undefined;
    }
    if (this.head > 4096 && this.head * 2 > q.length) {
      this.queue = q.slice(this.head);
      this.head = 0;
    }
  }

  /** Records a request's outcome once; later callbacks for it (after an abort) are ignored. */
  settle(req: InFlightRequest, error: string | null): void {
    if (req.settled) return;
    req.settled = true;
    const endedAt = performance.now();
    this.inFlight--;
    this.completed++;
    if (error !== null) this.failed++;
    if (req.status !== null) {
      const v = req.version ?? 'unknown';
      this.byVersion[v] = (this.byVersion[v] ?? 0) + 1;
    }
    const sample: RequestSample = {
      scheduledAt: timeOrigin + req.scheduledAt,
      startedAt: timeOrigin + req.startedAt,
      endedAt: timeOrigin + endedAt,
      latencyMs: endedAt - req.scheduledAt,
      status: req.status,
      error,
      version: req.version,
      pod: req.pod,
      configHash: req.configHash,
    };
    if (req.orderId !== null) {
      sample.kind = 'post';
      sample.orderId = req.orderId;
    }
    this.samples[req.index] = sample;
    this.o.onSample?.(sample);
    if (!this.scheduling && this.inFlight === 0) this.resolveFinished?.();
  }

  private async drainAndClose(): Promise<LoadResult> {
    if (!this.begun) throw new Error('load generator was never started');
    this.endSchedule(performance.now());
    if (this.inFlight === 0) this.resolveFinished?.();
    // Every request settles by its deadline (the tick keeps checking); the bound is a backstop.
    let bound: NodeJS.Timeout | undefined;
    await Promise.race([
      this.finishedPromise,
      new Promise<void>((resolve) => (bound = setTimeout(resolve, this.o.timeoutMs + 2 * maxTickMs + 100))),
    ]);
    clearTimeout(bound);
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    for (let i = this.head; i < this.queue.length; i++) {
      const req = this.queue[i];
      if (req !== undefined && !req.settled) this.settle(req, 'aborted');
    }
    this.resolveFinished?.();
    await this.clients.destroy();
    return this.result();
  }

  private result(): LoadResult {
    return summarizeSchedule(this.samples, {
      startPerf: this.startPerf,
      endPerf: this.scheduleEndPerf,
      rate: this.o.rate,
      keepAlive: this.o.keepAlive,
    });
  }
}
