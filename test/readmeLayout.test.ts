import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/, so the repository root is two folders up.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ROOTS = [
  'service',
  'loadtest',
  'scripts',
  'bench',
  'k8s',
  'cluster',
  'test',
  'test-containers',
  'test-cluster',
];

/** Every folder that holds a tracked file; cluster/ only one level deep (its modules are Go's own layout). */
function sourceFolders(): string[] {
  const files = execFileSync('git', ['ls-files', ...ROOTS], { cwd: root, encoding: 'utf8' }).split('\n');
  const folders = new Set<string>();
  for (const file of files.filter(Boolean)) {
    const parts = path.posix.dirname(file).split('/');
    if (parts[0] === 'cluster') folders.add(parts.slice(0, 2).join('/'));
    else if (parts[0]?.startsWith('test')) folders.add(parts[0]);
    else folders.add(parts.join('/'));
  }
  return [...folders].sort();
}

/** The paths the Layout block names: each entry's head, and folders its description names relative to it. */
function layoutPaths(readme: string): string[] {
  const block = /## Layout[\s\S]*?```text\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(block, 'README has no Layout text block');
  const paths: string[] = [];
  let heads: string[] = [];
  for (const line of block.split('\n')) {
    const [head, description] = line.startsWith(' ') ? ['', line] : [line.split(/ {2,}/)[0] ?? '', line];
    const tokens = (text: string) => (text.match(/(?:[\w.<>-]+\/)+/g) ?? []).map((t) => t.replace(/\/$/, ''));
    if (head) heads = tokens(head);
    paths.push(...heads);
    for (const token of tokens(description.slice(head.length))) {
      paths.push(token, ...heads.map((h) => `${h}/${token}`));
    }
  }
  return paths;
}

function matches(pattern: string, folder: string): boolean {
  const want = pattern.split('/');
  const have = folder.split('/');
  return want.length === have.length && want.every((part, i) => /^<.+>$/.test(part) || part === have[i]);
}

test('every source folder has a line in the README Layout block', () => {
  const listed = layoutPaths(readFileSync(path.join(root, 'README.md'), 'utf8'));
  const missing = sourceFolders().filter((folder) => !listed.some((pattern) => matches(pattern, folder)));
  assert.deepEqual(missing, [], `folders missing from README "Layout": ${missing.join(', ')}`);
});

test('the Layout check notices a folder without a line', () => {
  assert.equal(
    layoutPaths('## Layout\n\n```text\nservice/   the app\n```\n').some((p) => matches(p, 'loadtest')),
    false,
  );
  assert.equal(
    layoutPaths('## Layout\n\n```text\nk8s/a/<name>/  x\n```\n').some((p) => matches(p, 'k8s/a/b')),
    true,
  );
});
