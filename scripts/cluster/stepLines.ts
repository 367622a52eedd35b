/**
 * Progress of a long command as step lines: each line the command prints that names a step, with the
 * time since the command started, so a first `kind create cluster` (which pulls the node image) or a
 * cold `docker build` is not minutes of silence.
 */
export function stepLines(
  log: (line: string) => void,
  label: string,
  stepOf: (line: string) => string | null,
): (line: string) => void {
  const startedAt = performance.now();
  return (line) => {
    const step = stepOf(line);
    if (step === null) return;
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    log(`  ${label} +${seconds}s  ${step}`);
  };
}

/**
 * kind's status lines (` • Ensuring node image ... ` when a step starts, ` ✓ ` or ` ✗ ` when it ends; no
 * spinner when its output is not a terminal: pkg/internal/cli/status.go) and its warnings.
 */
export function kindStep(line: string): string | null {
  const text = line.trim();
  if (/^[•✓✗]\s/.test(text)) return text.replace(/\s+\.\.\.$/, '');
  if (/^WARNING\b|deprecated/i.test(text)) return text;
  return null;
}

/**
 * `docker build` steps: `Step 3/12 : RUN npm ci` from the classic builder, `#8 [build 3/7] RUN npm ci`
 * from BuildKit's plain progress (each step's first line only; `#8 DONE 12.3s` closes it), and BuildKit's
 * errors.
 */
export function dockerBuildStep(): (line: string) => string | null {
  const seen = new Set<string>();
  return (line) => {
    const text = line.trim();
    if (/^Step \d+\/\d+ : /.test(text)) return text;
    const buildkit = /^#(\d+) (\[[^\]]+\] .*)$/.exec(text);
    if (buildkit && !seen.has(buildkit[1]!)) {
      seen.add(buildkit[1]!);
      return buildkit[2]!;
    }
    if (/^#\d+ ERROR\b|^ERROR\b/.test(text)) return text;
    return null;
  };
}
