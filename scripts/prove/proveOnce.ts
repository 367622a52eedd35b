import path from 'node:path';
import { formatStatuses, formatVersionFrom } from '../../loadtest/requestShape.js';
import type { AppUnderTest } from '../app/appUnderTest.js';
import { UsageError } from '../errors.js';
import type { RequestSample, RolloutChange, RunSettings } from '../model.js';
import { planRollout } from '../rollout/planRollout.js';
import { runRollout } from '../rollout/runRollout.js';
import { createBareTarget } from '../targets/createTarget.js';
import { labelAnswerVersions } from './answerVersions.js';
import { imagesMissingFromDocker, imagesMissingFromNodes, NODE_STATUS_MAX_IMAGES } from './nodeImages.js';
import type { Protection } from './protections.js';
import { proveOverlays } from './proveOverlays.js';
import type { ProveRunResult } from './proveReport.js';
import type { Applied, ProveIo, ProveSpec } from './proveSpec.js';
import type { AppManifests } from './readApp.js';

/** A control that could not run: its row says why instead. */
export const NOT_RUN = {
  exitCode: 1,
  verdict: 'incomplete',
  failed: 0,
  requests: 0,
  byError: {},
  report: '',
} as const;

export interface OnceSpec {
  options: ProveSpec;
  io: ProveIo;
  manifests: AppManifests;
  app: AppUnderTest;
  fromImage: string;
  control: Protection | null;
  outDir: string;
  checkImages: boolean;
  /** The last of prove's runs: what the target keeps after it is the user's to say. */
  last: boolean;
  remember(applied: Applied): void;
}

/** One rollout of the app (as given, or with a control's removal): the same steps demo:rollout walks. */
export async function proveOnce(spec: OnceSpec): Promise<ProveRunResult> {
  const { options, io } = spec;
  const say = options.dryRun ? io.print : (line: string) => io.output.step(line);
  const { app } = spec;
  const { lbPort, dryRun } = options;
  // kind: one cluster for all of prove's runs; --keep-cluster off deletes it after the last one only.
  const targetFlags = spec.last ? options.targetFlags : { ...options.targetFlags, 'keep-cluster': true };
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
  spec.remember({ target, overlay: to });
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
