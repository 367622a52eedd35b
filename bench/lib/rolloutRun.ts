import path from 'node:path';
import { createOpenModelGenerator } from '../../loadtest/openModelGenerator.js';
import type { ProgressOutput } from '../../scripts/rollout/rolloutProgress.js';
import { describeChange } from '../../scripts/rollout/rolloutChange.js';
import { runRollout } from '../../scripts/rollout/runRollout.js';
import { createLocalTarget } from '../../scripts/targets/local/localTarget.js';
import type { RunReport } from '../../scripts/report/runReport.js';

export interface RolloutRunOptions {
  from: string;
  to: string;
  rate: number;
  warmupMs: number;
  cooldownMs: number;
  outDir: string;
  propagationLagMs?: number;
}

/** One pod of the new version: created → ready, in ms after the rollout started. */
export interface PodStep {
  pod: string;
  createdMs: number;
  readyMs: number | null;
}

/**
 * A v1 → v2 rollout on the local target through the same runRollout the CLI uses (the CLI has no
 * replica flag, so the benchmark wires the target itself), quietly; returns the report and the new
 * pods' created → ready times, which show where each surge step spent its time.
 */
export async function runLocalRollout(o: RolloutRunOptions): Promise<{ report: RunReport; pods: PodStep[] }> {
  const target = createLocalTarget({
    lbPort: 0,
    propagationLagMs: o.propagationLagMs ?? 1000,
    kubeletSyncMs: 60_000,
    logDir: path.join(o.outDir, 'pods'),
  });
  const quiet: ProgressOutput = { step: () => {}, status: () => {}, note: () => {} };
  const maxDurationMs = o.warmupMs + o.cooldownMs + 5 * 60_000;
  const { reports } = await runRollout({
    target,
    scenario: 'hardened',
    change: describeChange('code', o.from, o.to),
    from: o.from,
    to: o.to,
    createLoad: (baseUrl) =>
      createOpenModelGenerator({
        baseUrl,
        rate: o.rate,
        keepAlive: true,
        timeoutMs: 10_000,
        maxDurationMs,
        maxRequests: Math.ceil((o.rate * maxDurationMs) / 1000),
      }),
    loadName: 'builtin',
    rate: o.rate,
    keepAlive: true,
    warmupMs: o.warmupMs,
    cooldownMs: o.cooldownMs,
    onFail: 'stop',
    chaos: 'none',
    outDir: o.outDir,
    settings: { ...target.settings, rate: o.rate, keepAlive: true, from: o.from, to: o.to, bench: 'rollout' },
    output: quiet,
    signal: new AbortController().signal,
  });
  const report = reports.report;
  const t0 = Date.parse(report.rollout.startedAt ?? '');
  const pods = new Map<string, PodStep>();
  for (const e of report.events) {
    if (!e.pod || e.version !== '2') continue;
    const at = Date.parse(e.at) - t0;
    if (e.kind === 'created') pods.set(e.pod, { pod: e.pod, createdMs: at, readyMs: null });
    if (e.kind === 'ready' && pods.get(e.pod)?.readyMs === null) pods.get(e.pod)!.readyMs = at;
  }
  return { report, pods: [...pods.values()] };
}
