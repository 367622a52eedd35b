import fs from 'node:fs/promises';
import type { CommandRunner } from '../../cluster/commandRunner.js';
import { kindFailureReason } from './kindFailure.js';
import { dockerBuildStep, stepLines } from '../../cluster/stepLines.js';
import { lastLine } from '../../cluster/textLines.js';

export interface ImageOptions {
  image: string;
  /** A team's images, already in the local Docker, to load as they are; null: build the sample's. */
  images: readonly string[] | null;
  clusterName: string;
  /** Base image build argument for the Dockerfile (NODE_IMAGE), passed through when set. */
  nodeImage: string | null;
  /** The build context, relative to where commands run. */
  context: string;
  /** `docker info`'s ServerVersion: from 28 on, `docker save` can keep one platform. */
  dockerVersion: string | null;
  /** Where the image archive goes while it is loaded; removed afterwards. */
  archive: string;
  log: (line: string) => void;
}

/**
 * Builds `<image>:v1` and `<image>:v2` from the Dockerfile (one build argument picks the version; see
 * scripts/docker/build-images.sh) and loads them into the kind node, where imagePullPolicy Never finds
 * them (k8s/components/kind).
 *
 * Loading goes through `docker save` and `kind load image-archive`, not `kind load docker-image`: with
 * Docker's containerd image store (the default from Docker 29) an image saved whole names every platform
 * of its index while only this machine's was ever pulled, and the node's `ctr images import
 * --all-platforms` fails on the first missing blob ("content digest ... not found";
 * kubernetes-sigs/kind#3795, open). `docker save --platform` (Docker 28 and later) keeps only the platform
 * that is here; older Dockers have no such flag and no such store.
 */
export async function buildAndLoadImages(run: CommandRunner, options: ImageOptions): Promise<string[]> {
  const tags = options.images ? [...options.images] : [1, 2].map((version) => `${options.image}:v${version}`);
  for (const [index, tag] of options.images ? [] : tags.entries()) {
    const args = ['build', '--build-arg', `APP_VERSION=${index + 1}`];
    if (options.nodeImage) args.push('--build-arg', `NODE_IMAGE=${options.nodeImage}`);
    args.push('--tag', tag, options.context);
    const built = await run.run('docker', args, {
      timeoutMs: 20 * 60_000,
      onLine: stepLines(options.log, `docker build ${tag}`, dockerBuildStep()),
    });
    if (built.code !== 0) {
      throw new Error(`docker build of ${tag} failed: ${lastLine(built.stderr) || `exit ${built.code}`}`);
    }
  }
  const save = ['save'];
  if (dockerMajor(options.dockerVersion) >= 28) save.push('--platform', await imagePlatform(run, tags[0]!));
  save.push('--output', options.archive, ...tags);
  try {
    const saved = await run.run('docker', save, { timeoutMs: 10 * 60_000 });
    if (saved.code !== 0) {
      throw new Error(
        `docker save of ${tags.join(', ')} failed: ${lastLine(saved.stderr) || `exit ${saved.code}`}`,
      );
    }
    const loaded = await run.run(
      'kind',
      ['load', 'image-archive', options.archive, '--name', options.clusterName],
      { timeoutMs: 10 * 60_000 },
    );
    if (loaded.code !== 0) {
      throw new Error(
        `kind load image-archive failed: ${kindFailureReason(loaded.stderr) || `exit ${loaded.code}`}`,
      );
    }
  } finally {
    if (!run.dryRun) await fs.rm(options.archive, { force: true });
  }
  return tags;
}

/** The platform the image was built for here (`linux/amd64`, `linux/arm64/v8`). */
async function imagePlatform(run: CommandRunner, tag: string): Promise<string> {
  const format = '{{.Os}}/{{.Architecture}}{{with .Variant}}/{{.}}{{end}}';
  const inspected = await run.run('docker', ['image', 'inspect', '--format', format, tag], {
    timeoutMs: 30_000,
  });
  const platform = inspected.stdout.trim();
  if (inspected.code !== 0 || !/^\w+\/\w+/.test(platform)) {
    throw new Error(
      `docker image inspect of ${tag} failed: ${lastLine(inspected.stderr) || `exit ${inspected.code}`}`,
    );
  }
  return platform;
}

function dockerMajor(version: string | null): number {
  return Number(/^(\d+)\./.exec(version ?? '')?.[1] ?? 0);
}
