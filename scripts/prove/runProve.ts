import path from 'node:path';
import type { LoadGenerator } from '../../loadtest/loadGenerator.js';
import { formatStatuses, formatVersionFrom, type RequestShape } from '../../loadtest/requestShape.js';
import type { AppUnderTest } from '../app/appUnderTest.js';
import { UsageError } from '../errors.js';
import { formatFinding, type Finding } from '../k8sLint/finding.js';
import { lintObjects } from '../k8sLint/lintObjects.js';
import type { RequestSample, RolloutChange, RunRecord, RunSettings } from '../model.js';
import { planRollout } from '../rollout/planRollout.js';
import type { ProgressOutput } from '../rollout/rolloutProgress.js';
import { runRollout } from '../rollout/runRollout.js';
import { createBareTarget } from '../targets/createTarget.js';
import { labelAnswerVersions } from './answerVersions.js';
import { imagesMissingFromDocker, imagesMissingFromNodes, NODE_STATUS_MAX_IMAGES } from './nodeImages.js';
import { protectionsOf, type Protection } from './protections.js';
import { proveOverlays } from './proveOverlays.js';
import { pickApp, renderAppDir, type AppChoice, type AppManifests } from './readApp.js';
import { writeProveReport, type ControlResult, type ProveResult } from './proveReport.js';

/** What `npm run prove` was asked to do (scripts/cli/proveFlags.ts reads it from the flags). */
export interface ProveSpec {
  appDir: string;
  toImage: string;
  /** The image deployed first; null: the Deployment's own. */
  fromImage: string | null;
  /** Which Deployment, Service and port of DIR (null: the only one, the one selecting its pods, the first). */
  choice: AppChoice;
  /** How to ask, and tell versions apart (path, method, expected statuses, version source). */
  request: RequestShape;
  target: 'kube' | 'kind';
  /** The parsed values of every flag; the chosen target reads its own rows from them. */
  targetFlags: Readonly<Record<string, unknown>>;
  controls: boolean;
  /** The lint's findings on the app's manifests are fatal. */
  strict: boolean;
  /** kube: let the kubelet pull images no node has. */
  pull: boolean;
  rate: number;
  keepAlive: boolean;
  lbPort: number;
  warmupMs: number;
  cooldownMs: number;
  requestTimeoutMs: number;
  dryRun: boolean;
  load: RunRecord['load']['generator'];
  /** Makes the load for one run, writing into that run's folder. */
  createLoad(outDir: string): (baseUrl: string) => LoadGenerator | null;
}

export interface ProveIo {
  outDir: string;
  output: ProgressOutput;
  /** Ctrl-C: the run in progress stops, writes its partial report, and no control runs after it. */
  signal: AbortSignal;
  /** --dry-run: each step's command, printed instead of run. */
  print: (line: string) => void;
}

/**
 * `npm run prove`: a team's Deployment through the same machinery as the sample's (runRollout on the kind or
 * kube target). Its manifests are read and linted first; then one run as they are, and with --controls one
 * run per protection they have, with only that one removed. Resolves with the exit code.
 */
export async function runProve(options: ProveSpec, io: ProveIo): Promise<number> {
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

  const app = appUnderTest(manifests, options, fromImage);
  const protections = options.controls ? protectionsOf(manifests.deployment) : [];
  const { load } = options;
  const say = options.dryRun
    ? (line: string) => io.print(`# ${line}`)
    : (line: string) => io.output.step(line);
  say(
    `app: Deployment ${manifests.deployment.metadata.name}, Service ${manifests.service.metadata.name}; ` +
      `${fromImage} → ${options.toImage} on ${options.target}; load: ${load}`,
  );
  if (options.controls)
    say(
      protections.length > 0
        ? `controls after it: ${protections.map((p) => p.without).join('; ')}`
        : 'controls: none to run (the Deployment has none of the protections prove can remove)',
    );

  const once = (control: Protection | null, outDir: string, checkImages: boolean) =>
    proveOnce({ options, io, manifests, app, fromImage, control, outDir, checkImages });
  const main = await once(null, io.outDir, true);
  const controls: ControlResult[] = [];
  for (const protection of protections) {
    if (io.signal.aborted) break;
    say(`control: ${protection.without}`);
    const result = await once(protection, path.join(io.outDir, 'controls', protection.id), false);
    controls.push({ protection: protection.id, without: protection.without, ...result });
  }
  if (options.dryRun) return 0;
  const result: ProveResult = {
    app: manifests.deployment.metadata.name,
    fromImage,
    toImage: options.toImage,
    target: options.target,
    findings: findings.map(formatFinding),
    run: main,
    controls,
    controlsAsked: options.controls,
  };
  const written = writeProveReport(io.outDir, result);
  io.output.note(`\n${written.text}`);
  io.output.note(`prove report: ${written.md}\n              ${written.json}`);
  return io.signal.aborted ? 130 : main.exitCode;
}

interface OnceSpec {
  options: ProveSpec;
  io: ProveIo;
  manifests: AppManifests;
  app: AppUnderTest;
  fromImage: string;
  control: Protection | null;
  outDir: string;
  checkImages: boolean;
}

/** One rollout of the app (as given, or with a control's removal): the same steps demo:rollout walks. */
async function proveOnce(spec: OnceSpec): Promise<ProveResult['run']> {
  const { options, io } = spec;
  const say = options.dryRun ? io.print : (line: string) => io.output.step(line);
  const { app } = spec;
  const { lbPort, dryRun, targetFlags } = options;
  const made = { app, scenario: 'prove', change: 'code' as const, lbPort, dryRun, targetFlags };
  const { target, runner, components } = await createBareTarget(options.target, made, spec.outDir, say);
  if (spec.checkImages && runner) await requireImages(spec, runner);
  const { from, to } = proveOverlays({
    app: spec.manifests,
    fromImage: spec.fromImage,
    toImage: options.toImage,
    components,
    control: spec.control,
    workDir: spec.outDir,
  });
  const steps = {
    target,
    from,
    to,
    loadName: options.load,
    rate: options.rate,
    keepAlive: options.keepAlive,
    warmupMs: options.warmupMs,
    cooldownMs: options.cooldownMs,
    onFail: 'stop' as const,
    chaos: 'none' as const,
    outDir: spec.outDir,
  };
  if (options.dryRun) {
    await planRollout({ ...steps, print: io.print });
    return { exitCode: 0, verdict: 'planned', failed: 0, requests: 0, byError: {}, report: '' };
  }
  const { reports, exitCode } = await runRollout({
    ...steps,
    scenario: spec.control ? `prove, ${spec.control.without}` : 'prove',
    change: codeChange(spec.manifests),
    createLoad: options.createLoad(spec.outDir),
    settings: settingsOf(spec, target.settings, from, to),
    labelVersions,
    output: io.output,
    signal: io.signal,
  });
  const { requests } = reports.report;
  return {
    exitCode,
    verdict: reports.verdict,
    failed: requests.failed,
    requests: requests.total,
    byError: requests.byError,
    report: reports.md,
  };
}

/** The answers' versions as "1" and "2", and the settings that say how the app spelled them. */
function labelVersions(samples: RequestSample[]): Record<string, string> {
  const seen = labelAnswerVersions(samples);
  return {
    answeredAsV1: seen.from ?? 'nothing',
    answeredAsV2: seen.others.length > 0 ? seen.others.join(', ') : 'nothing',
  };
}

/** Stops before any load when an image is not where the target takes it from (one line, exit 2). */
async function requireImages(
  spec: OnceSpec,
  runner: NonNullable<Awaited<ReturnType<typeof createBareTarget>>['runner']>,
): Promise<void> {
  const { options } = spec;
  const images = [spec.fromImage, options.toImage];
  if (options.target === 'kind') {
    const missing = await imagesMissingFromDocker(runner, images);
    if (missing.length > 0)
      throw new UsageError(
        `not in the local Docker, so kind cannot load it: ${missing.join(', ')} (docker build or docker pull it first)`,
      );
    return;
  }
  if (options.pull) return;
  const context = String(options.targetFlags.context);
  const { missing, undetermined } = await imagesMissingFromNodes(runner, context, images);
  if (missing.length === 0) return;
  if (undetermined) {
    spec.io.output.step(
      `cannot tell whether the nodes have ${missing.join(', ')}: a node status lists only its largest ` +
        `${NODE_STATUS_MAX_IMAGES} images; going on`,
    );
    return;
  }
  throw new UsageError(
    `no node of context ${context} has ${missing.join(', ')}: load it with ` +
      `\`npm run cluster:load-image -- ${missing.join(' ')}\` (the real cluster here), or push it where the ` +
      'cluster pulls from and pass --pull',
  );
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

/** A code change, as far as prove can tell: the image; the app's configuration is not read. */
function codeChange(manifests: AppManifests): RolloutChange {
  const unread = { hash: '', greeting: '', source: "not read: a team's app" };
  const grace =
    (manifests.deployment as { spec?: { template?: { spec?: { terminationGracePeriodSeconds?: number } } } })
      .spec?.template?.spec?.terminationGracePeriodSeconds ?? 30;
  return {
    kind: 'code',
    configFrom: unread,
    configTo: unread,
    templateChanges: true,
    settleMs: grace * 1000,
  };
}

function settingsOf(
  spec: OnceSpec,
  own: RunSettings | { propagationLagMs: number },
  from: string,
  to: string,
): RunSettings {
  const { options } = spec;
  return {
    ...own,
    rate: options.rate,
    keepAlive: options.keepAlive,
    change: 'code',
    warmupMs: options.warmupMs,
    cooldownMs: options.cooldownMs,
    requestTimeoutMs: options.requestTimeoutMs,
    app: spec.manifests.deployment.metadata.name,
    request: `${options.request.method} ${options.request.path}`,
    expect: formatStatuses(options.request.expect),
    versionFrom: formatVersionFrom(options.request.versionFrom),
    from: path.relative(process.cwd(), from),
    to: path.relative(process.cwd(), to),
    ...(spec.control ? { control: spec.control.without } : {}),
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
