import type { CommandRunner } from '../../cluster/commandRunner.js';
import { MissingPrerequisite } from '../../errors.js';
import { firstLine } from '../../cluster/textLines.js';

/**
 * The oldest kind that can run the node image pinned in k8s/kind/cluster.yaml (kindest/node v1.36.1,
 * built for kind v0.32.0: its kubeadm config is v1beta4, and its release notes ask for a kind at least
 * that new for `kind load`). https://github.com/kubernetes-sigs/kind/releases/tag/v0.32.0
 */
export const MIN_KIND_VERSION = 'v0.32.0';

export interface KindVersion {
  major: number;
  minor: number;
  patch: number;
  /** "alpha.12+0123456789abcd" for a build between releases, else "". */
  preRelease: string;
  /** As kind printed it: "v0.32.0". */
  text: string;
}

/**
 * `kind version` prints `kind v0.32.0 go1.26.8 linux/amd64` (a build between releases:
 * `kind v0.33.0-alpha.5+0123456789abcd go1.26.8 linux/amd64`; pkg/cmd/kind/version/version.go).
 */
export function parseKindVersion(output: string): KindVersion | null {
  const match = /^kind (v(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.+-]+))?)\s/m.exec(`${output.trim()} `);
  if (!match) return null;
  return {
    text: match[1]!,
    major: Number(match[2]),
    minor: Number(match[3]),
    patch: Number(match[4]),
    preRelease: match[5] ?? '',
  };
}

/**
 * Semantic-version order against a release: v0.32.0-alpha comes before v0.32.0, which comes before
 * v0.33.0-alpha (https://semver.org/#spec-item-11).
 */
export function isAtLeast(
  version: KindVersion,
  release: Pick<KindVersion, 'major' | 'minor' | 'patch'>,
): boolean {
  const core = [version.major - release.major, version.minor - release.minor, version.patch - release.patch];
  const first = core.find((difference) => difference !== 0);
  return first === undefined ? version.preRelease === '' : first > 0;
}

/**
 * Runs `kind version` and refuses (exit 2, one line) a kind older than MIN_KIND_VERSION, before anything
 * is created. Resolves with the version kind printed.
 */
export async function checkKindVersion(run: CommandRunner): Promise<string> {
  const result = await run.run('kind', ['version'], { timeoutMs: 20_000 });
  const found = parseKindVersion(result.stdout);
  if (result.code !== 0 || !found) {
    const said = firstLine(result.stderr) || firstLine(result.stdout) || `exit ${result.code}`;
    throw new MissingPrerequisite(
      `could not tell which kind this is (kind version: ${said}): kind ${MIN_KIND_VERSION} or newer is needed`,
    );
  }
  const minimum = parseKindVersion(`kind ${MIN_KIND_VERSION} `)!;
  if (!isAtLeast(found, minimum)) {
    throw new MissingPrerequisite(
      `kind ${found.text} is too old: the node image pinned in k8s/kind/cluster.yaml needs kind ` +
        `${MIN_KIND_VERSION} or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation)`,
    );
  }
  return found.text;
}
