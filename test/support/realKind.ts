import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findOnPath, projectCacheDir } from '../../scripts/tools.js';

/**
 * The real kind CLI, built from its Go module (sigs.k8s.io/kind has no local replaces, so `go install
 * sigs.k8s.io/kind@vX.Y.Z` builds the release) into <project cache>/kind/<version>/ (scripts/tools.ts), once.
 * That folder holds nothing else and is never on PATH, so `--target auto` keeps picking local here; tests
 * put it first on the PATH of the run they start.
 */
export const KIND_CACHE = path.join(projectCacheDir(), 'kind');

/** Why the real-kind tests cannot run here, or null when they can (Go is what builds kind). */
export const noGo: string | false =
  findOnPath('go') === null
    ? 'Go is not installed, so the real kind CLI cannot be built from its module'
    : false;

/** The folder holding the real `kind` of that release, built now if it is not in the cache yet. */
export function realKindDir(version: 'v0.32.0' | 'v0.31.0'): string {
  const dir = path.join(KIND_CACHE, version);
  if (fs.existsSync(path.join(dir, 'kind'))) return dir;
  // Built into a folder of its own, then renamed into place: a half-finished build is never used.
  fs.mkdirSync(KIND_CACHE, { recursive: true });
  const building = fs.mkdtempSync(path.join(KIND_CACHE, `.${version}-`));
  execFileSync('go', ['install', `sigs.k8s.io/kind@${version}`], {
    cwd: os.tmpdir(),
    env: { ...process.env, GOBIN: building, GOFLAGS: '-mod=mod', GO111MODULE: 'on' },
    stdio: ['ignore', 'ignore', 'inherit'],
    // A bound on a hang (a stuck module download): a cold build takes minutes, not this.
    timeout: 1_200_000,
  });
  try {
    fs.renameSync(building, dir);
  } catch (error) {
    // Another test built it first.
    if (!fs.existsSync(path.join(dir, 'kind'))) throw error;
    fs.rmSync(building, { recursive: true, force: true });
  }
  return dir;
}

/**
 * A folder whose `kind` records each call (one line of arguments in `log`) and then runs the real one,
 * so a test can say which kind commands a run asked for.
 */
export function recordingKind(realDir: string, log: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'recording-kind-'));
  const script = `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${path.join(realDir, 'kind')}' "$@"\n`;
  fs.writeFileSync(path.join(dir, 'kind'), script, { mode: 0o755 });
  return dir;
}
