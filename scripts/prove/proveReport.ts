import fs from 'node:fs';
import path from 'node:path';
import type { VerdictValue } from '../verdict/judgeRun.js';
import type { Protection } from './protections.js';

/** One rollout of prove: as given, or a control. */
export interface ProveRunResult {
  exitCode: number;
  /** The run's verdict; 'planned' in a dry run. */
  verdict: VerdictValue | 'planned';
  failed: number;
  requests: number;
  byError: Record<string, number>;
  /** The run's report.md. */
  report: string;
}

export interface ControlResult extends ProveRunResult {
  protection: Protection['id'];
  without: string;
  /** Why the control did not run, when it could not (the rest is then empty). */
  error?: string;
}

/** prove.json: the app, the lint's findings, the run as given and what each protection is worth. */
export interface ProveResult {
  app: string;
  fromImage: string;
  toImage: string;
  target: string;
  /** The zero-downtime lint on the app's manifests, one line each. */
  findings: string[];
  run: ProveRunResult;
  controls: ControlResult[];
  /** Whether --controls was given (an empty list then means the app has none of the protections). */
  controlsAsked: boolean;
}

/** Writes prove.json and prove.md into `dir`; returns their paths and the text for the terminal. */
export function writeProveReport(
  dir: string,
  result: ProveResult,
): { json: string; md: string; text: string } {
  const text = proveText(result);
  const json = path.join(dir, 'prove.json');
  const md = path.join(dir, 'prove.md');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(json, `${JSON.stringify(result, null, 2)}\n`);
  fs.writeFileSync(
    md,
    `# prove: ${result.app}, ${result.fromImage} → ${result.toImage} on ${result.target}\n\n${text}\n`,
  );
  return { json, md, text };
}

function proveText(result: ProveResult): string {
  const lines = [`verdict                  ${result.run.verdict.toUpperCase()}: ${describeRun(result.run)}`];
  lines.push(
    '',
    result.findings.length === 0 ? 'lint: no findings' : `lint: ${result.findings.length} finding(s)`,
  );
  for (const finding of result.findings) lines.push(`  - ${finding}`);
  if (result.controlsAsked) {
    lines.push('', 'What each protection is worth (one control run each, only that one removed):', '');
    if (result.controls.length === 0)
      lines.push('  none to run: the Deployment has none of the protections prove can remove');
    lines.push(...controlTable(result.controls));
  }
  return lines.join('\n');
}

function controlTable(controls: readonly ControlResult[]): string[] {
  if (controls.length === 0) return [];
  const rows = controls.map((control) => [control.without, describeControl(control)]);
  const width = Math.max(...rows.map(([name]) => name!.length));
  return [
    '| protection removed | failed requests |',
    '| --- | --- |',
    ...rows.map(([name, what]) => `| ${name!.padEnd(width)} | ${what} |`),
  ];
}

function describeRun(run: ProveRunResult): string {
  const kinds = Object.entries(run.byError)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  return `${run.failed} of ${run.requests} requests failed${kinds ? ` (${kinds})` : ''}`;
}

/** A removal that drops nothing is said plainly, with the two reasons it may have. */
function describeControl(control: ControlResult): string {
  if (control.error !== undefined) return `could not run: ${control.error}`;
  if (control.failed > 0) return describeRun(control);
  if (control.verdict === 'incomplete') return `incomplete: ${describeRun(control)}`;
  return (
    `0 of ${control.requests} failed: without it nothing dropped here (the app may cover for it, ` +
    'or the load was too light to show it)'
  );
}
