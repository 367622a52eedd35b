import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunRecord } from '../model.js';
import type { VerdictValue } from '../verdict/judgeRun.js';
import { renderHtml } from './renderHtml.js';
import { renderMarkdown } from './renderMarkdown.js';
import type { RunReport } from './runReport.js';
import { summarizeRun } from './summarizeRun.js';

export interface WrittenReports {
  json: string;
  md: string;
  html: string;
  verdict: VerdictValue;
  pass: boolean;
  report: RunReport;
}

/** Judges the run and writes report.json, report.md and report.html into `dir` (created if missing). */
export async function writeReports(dir: string, run: RunRecord): Promise<WrittenReports> {
  const report = summarizeRun(run);
  await mkdir(dir, { recursive: true });
  const paths = {
    json: join(dir, 'report.json'),
    md: join(dir, 'report.md'),
    html: join(dir, 'report.html'),
  };
  await writeFile(paths.json, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(paths.md, renderMarkdown(report));
  await writeFile(paths.html, renderHtml(report));
  return { ...paths, verdict: report.verdict, pass: report.pass, report };
}
