import path from 'node:path';
import type { AppUnderTest } from '../app/appUnderTest.js';
import { UsageError } from '../errors.js';
import { formatFinding, type Finding } from '../k8sLint/finding.js';
import { lintObjects } from '../k8sLint/lintObjects.js';
import { NOT_RUN, proveOnce } from './proveOnce.js';
import { protectionsOf, type Protection } from './protections.js';
import {
  writeProveReport,
  type ControlResult,
  type ProveResult,
  type ProveRunResult,
} from './proveReport.js';
import type { Applied, ProveIo, ProveSpec } from './proveSpec.js';
import { pickApp, renderAppDir, type AppManifests } from './readApp.js';

export type { ProveIo, ProveSpec } from './proveSpec.js';

/**
 * `npm run prove`: a team's Deployment through the same machinery as the sample's (runRollout on the kind or
 * kube target). Its manifests are read and linted first; then one run as they are, and with --controls one
 * run per protection they have, with only that one removed. Resolves with the exit code.
 */
export async function runProve(options: ProveSpec, io: ProveIo): Promise<number> {
  const { manifests, fromImage, findings } = readAndLint(options, io);
  const app = appUnderTest(manifests, options, fromImage);
  const protections = controlsToRun(options, manifests);
  const say = sayer(options, io);
  say(
    `app: Deployment ${manifests.deployment.metadata.name}, Service ${manifests.service.metadata.name}; ` +
      `${fromImage} → ${options.toImage} on ${options.target}; load: ${options.load}`,
  );
  if (options.controls !== 'none')
    say(
      protections.length > 0
        ? `controls after it: ${protections.map((p) => p.without).join('; ')}`
        : 'controls: none to run (the Deployment has none of the protections prove can remove)',
    );

  let lastApplied: Applied | null = null;
  const remember = (applied: Applied) => (lastApplied = applied);
  const last = protections.at(-1) ?? null;
  const once = (control: Protection | null, outDir: string) =>
    proveOnce({
      ...{ options, io, manifests, app, fromImage, control, outDir, remember },
      checkImages: !control,
      last: control === last,
    });
  const main = await once(null, io.outDir);
  const controls = await runControls(protections, once, options, io);
  await removeWhatRan(options, io, lastApplied);
  if (options.dryRun) return 0;
  const result: ProveResult = {
    app: manifests.deployment.metadata.name,
    fromImage,
    toImage: options.toImage,
    target: options.target,
    findings: findings.map(formatFinding),
    run: main,
    controls,
    controlsAsked: options.controls !== 'none',
  };
  const written = writeProveReport(io.outDir, result);
  io.output.note(`\n${written.text}`);
  io.output.note(`prove report: ${written.md}\n              ${written.json}`);
  return io.signal.aborted ? 130 : main.exitCode;
}

/** DIR's Deployment and Service, the image it starts from, and the lint's findings, said before anything runs. */
function readAndLint(options: ProveSpec, io: ProveIo) {
  const manifests = pickApp(renderAppDir(options.appDir), options.choice, options.appDir);
  const fromImage = options.fromImage ?? manifests.container.image;
  if (fromImage === options.toImage)
    throw new UsageError(
      `--to-image ${options.toImage} is the image the rollout starts from: give the new one (or --from-image)`,
    );
  const findings = lintObjects(manifests.objects, { foreign: true });
  sayFindings(findings, manifests, io);
  if (options.strict && findings.length > 0)
    throw new UsageError(
      `--strict: the zero-downtime lint found ${findings.length} problem(s), listed above`,
    );
  return { manifests, fromImage, findings };
}

/** The protections --controls (every one the app has) or --control (the ones named, each it must have) take away. */
function controlsToRun(options: ProveSpec, manifests: AppManifests): Protection[] {
  const has = protectionsOf(manifests.deployment);
  if (options.controls === 'none') return [];
  if (options.controls === 'all') return has;
  const name = manifests.deployment.metadata.name;
  return options.controls.map((id) => {
    const protection = has.find((p) => p.id === id);
    if (!protection)
      throw new UsageError(`--control ${id}: Deployment ${name} has no such protection to remove`);
    return protection;
  });
}

/** One run per protection, only that one removed; Ctrl-C ends the list, a control that cannot run its row. */
async function runControls(
  protections: readonly Protection[],
  once: (control: Protection, outDir: string) => Promise<ProveRunResult>,
  options: ProveSpec,
  io: ProveIo,
): Promise<ControlResult[]> {
  const say = sayer(options, io);
  const controls: ControlResult[] = [];
  for (const protection of protections) {
    if (io.signal.aborted) break;
    say(`control: ${protection.without}`);
    const row = { protection: protection.id, without: protection.without };
    try {
      controls.push({ ...row, ...(await once(protection, path.join(io.outDir, 'controls', protection.id))) });
    } catch (error) {
      // One control that cannot run (the API server refuses its manifests, say) leaves the others to run.
      const message = error instanceof Error ? error.message : String(error);
      say(`control ${protection.without} could not run: ${message}`);
      controls.push({ ...row, ...NOT_RUN, error: message });
    }
  }
  return controls;
}

/** Progress lines: step lines in a run, comments in a plan. */
function sayer(options: ProveSpec, io: ProveIo): (line: string) => void {
  return options.dryRun ? (line) => io.print(`# ${line}`) : (line) => io.output.step(line);
}

/** Leaves the cluster as prove found it: the app's objects it applied, deleted (unless --keep-app). */
async function removeWhatRan(options: ProveSpec, io: ProveIo, applied: Applied | null): Promise<void> {
  if (!applied?.target.removeApplied) return;
  const say = sayer(options, io);
  if (options.keepApp) {
    say(`kept the app as the last run left it (--keep-app): ${applied.overlay}`);
    return;
  }
  await applied.target.removeApplied(applied.overlay);
  say('removed what the runs applied (--keep-app keeps it)');
}

function appUnderTest(manifests: AppManifests, options: ProveSpec, fromImage: string): AppUnderTest {
  return {
    title: `Deployment ${manifests.deployment.metadata.name}`,
    namespace: manifests.deployment.metadata.namespace ?? 'default',
    deployment: manifests.deployment.metadata.name,
    container: manifests.container.name,
    podSelector: manifests.podSelector,
    service: manifests.service.metadata.name,
    request: options.request,
    imageVersions: { [fromImage]: '1', [options.toImage]: '2' },
    deployedVersion: () => null,
    images: [fromImage, options.toImage],
  };
}

function sayFindings(findings: readonly Finding[], manifests: AppManifests, io: ProveIo): void {
  const name = manifests.deployment.metadata.name;
  const write = (line: string) => io.print(line);
  write(
    findings.length === 0
      ? `lint: Deployment ${name} has every protection the zero-downtime lint checks`
      : `lint: ${findings.length} finding(s) on Deployment ${name}:`,
  );
  for (const finding of findings) write(`  ${formatFinding(finding)}`);
}
