import type http from 'node:http';
import os from 'node:os';
import { z } from 'zod';
import { loadVariables, type Variables } from './config.js';
import { SIGNALS } from './gracefulShutdown.js';
import type { Logger } from './logger.js';

/**
 * TEST ONLY: the broken releases the harness deploys to show what each costs a rollout (its fault
 * scenarios). Every switch lives here, behind one variable, FAULT, and main.ts installs them in one line;
 * the rest of the service has no fault branch. A copy of the service for real use deletes this file and
 * that line. Never set FAULT in a real deployment: `npm run lint:k8s` flags it in any manifest.
 */

export interface DemoFaultTargets {
  /** The service's server, created and with its graceful shutdown installed, not yet listening. */
  server: http.Server;
  logger: Logger;
  /** process.exit, replaceable in tests. */
  exit?: (code: number) => never;
}

interface DemoFault {
  /** What it breaks, in a few words (logged when it is on). */
  breaks: string;
  install(targets: Required<DemoFaultTargets>): void;
}

const DEMO_FAULTS = {
  // The rollout must stall at the surge pod, with every request still answered by the old pods.
  'never-ready': {
    breaks: '/health never answers 200',
    install({ server }) {
      answerBeforeTheApp(server, (req, res) => {
        if (!isReadinessCheck(req)) return false;
        res.statusCode = 503;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.end(JSON.stringify({ status: 'not ready (FAULT=never-ready)' }));
        return true;
      });
    },
  },
  // The kubelet restarts it with back-off (CrashLoopBackOff); the rollout must stall.
  'crash-at-start': {
    breaks: 'the process exits 1 right after starting',
    install({ logger, exit }) {
      logger.fatal('FAULT=crash-at-start: exiting 1');
      exit(1);
    },
  },
  // Keep-alive clients stay on the leaving pod until it closes their connections under them.
  'no-connection-close': {
    breaks: 'the drain answers without `Connection: close`',
    install({ server }) {
      // Ahead of the app, each response ignores the drain's `Connection: close`, so Node answers as it does
      // without a drain (keep-alive, with its Keep-Alive timeout). Removing the header afterwards would not
      // do: Node then sends no Connection header at all.
      server.prependListener('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
        const setHeader = res.setHeader.bind(res);
        res.setHeader = (name, value) => (name.toLowerCase() === 'connection' ? res : setHeader(name, value));
      });
    },
  },
  // Open streams are cut at SIGTERM instead of being told to reconnect: the clients see a reset, not an end.
  'no-stream-drain': {
    breaks: 'SIGTERM cuts every open /stream instead of ending it with the final event',
    install({ server }) {
      const streams = new Set<http.ServerResponse>();
      server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        if (req.method !== 'GET' || req.url?.split('?')[0] !== '/stream') return;
        streams.add(res);
        res.once('close', () => streams.delete(res));
      });
      // Ahead of the graceful shutdown's handler, which would send each stream its final event.
      onSignalFirst(() => {
        for (const res of streams) res.destroy();
      });
    },
  },
  // An order that completes during the drain is processed (and logged), then its connection is dropped
  // instead of answered: the client sees an error for an order that went through.
  'orders-cut-in-drain': {
    breaks:
      'a POST /orders that completes during the drain is processed, then its connection dropped unanswered',
    install({ server }) {
      let draining = false;
      onSignalFirst(() => (draining = true));
      server.prependListener('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
        if (req.method !== 'POST' || req.url?.split('?')[0] !== '/orders') return;
        const end = res.end.bind(res) as (...args: unknown[]) => http.ServerResponse;
        res.end = ((...args: unknown[]) => (draining ? res.destroy() : end(...args))) as typeof res.end;
      });
    },
  },
  // An app with no signal handler: it dies on SIGTERM and cuts whatever it was serving.
  'exit-at-once-on-sigterm': {
    breaks: 'SIGTERM or SIGINT exits at once, cutting the requests in flight',
    install({ logger, exit }) {
      for (const signal of SIGNALS) {
        // Ahead of the graceful shutdown's handler, and process.exit never returns: that one never runs.
        process.prependOnceListener(signal, () => {
          logger.warn({ signal }, 'signal received; FAULT=exit-at-once-on-sigterm, exiting at once');
          exit(128 + os.constants.signals[signal]);
        });
      }
    },
  },
} satisfies Record<string, DemoFault>;

export type DemoFaultName = keyof typeof DEMO_FAULTS;
export const DEMO_FAULT_NAMES = Object.keys(DEMO_FAULTS) as DemoFaultName[];

const variables = {
  FAULT: z
    .enum(['none', ...DEMO_FAULT_NAMES])
    .default('none')
    .describe(`one of none, ${DEMO_FAULT_NAMES.join(', ')}`),
} satisfies Variables;

/** FAULT from the environment, checked as every setting is: a bad value is one ConfigError line. */
export function loadDemoFault(env: NodeJS.ProcessEnv): DemoFaultName | 'none' {
  return loadVariables(env, variables).FAULT;
}

/** Switches `fault` on; 'none' changes nothing. */
export function installDemoFault(fault: DemoFaultName | 'none', targets: DemoFaultTargets): void {
  if (fault === 'none') return;
  const { breaks, install } = DEMO_FAULTS[fault];
  targets.logger.warn({ fault }, `FAULT=${fault} (test only): ${breaks}`);
  install({ ...targets, exit: targets.exit ?? ((code: number) => process.exit(code)) });
}

/** Puts `answer` in front of the server's request listeners: a request it answers never reaches them. */
function answerBeforeTheApp(
  server: http.Server,
  answer: (req: http.IncomingMessage, res: http.ServerResponse) => boolean,
): void {
  const listeners = server.listeners('request') as http.RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (answer(req, res)) return;
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/** Runs `listener` on SIGTERM or SIGINT ahead of the graceful shutdown's own handler. */
function onSignalFirst(listener: () => void): void {
  for (const signal of SIGNALS) process.prependOnceListener(signal, listener);
}

function isReadinessCheck(req: http.IncomingMessage): boolean {
  return (req.method === 'GET' || req.method === 'HEAD') && req.url?.split('?')[0] === '/health';
}
