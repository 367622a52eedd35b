import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { runLintK8s } from '../../../scripts/k8sLint/runLintK8s.js';
import { k8sDir } from '../../../scripts/manifests/overlays.js';
import { SCENARIOS } from '../../../scripts/scenarios/scenarios.js';
import { composedOverlay, distinctComponentSets } from '../../support/compositions.js';

const overlay = (name: string) => path.join(k8sDir(), 'overlays', name);
const naive = (version: 1 | 2, components: string[] = []) => composedOverlay('naive', version, components);

async function run(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await runLintK8s(args, (line) => lines.push(...line.split('\n')));
  return { code, lines };
}

describe('npm run lint:k8s', () => {
  test('with no arguments lints what the runs apply: every scenario on every target, hardened clean', async () => {
    const { code, lines } = await run([]);
    assert.equal(code, 0);
    for (const name of ['hardened v1', 'hardened v2', 'hardened v1 + kind', 'hardened v2 + node-port']) {
      assert.ok(
        lines.some((line) => line.startsWith(`ok       ${name}:`)),
        name,
      );
    }
    for (const name of ['naive v1', 'naive v2 + kind', 'naive v2 + node-port']) {
      const line = lines.find((candidate) => candidate.includes(` ${name}:`)) ?? '';
      assert.match(line, /^expected .*readiness-probe, drain, demo-fault/, name);
    }
    for (const name of ['no-readiness v2', 'no-drain v2', 'short-grace v2 + kind']) {
      assert.match(lines.find((candidate) => candidate.includes(` ${name}:`)) ?? '', /^expected /, name);
    }
    assert.match(
      lines.at(-1) ?? '',
      new RegExp(
        `${SCENARIOS.length * distinctComponentSets().length * 2} composition\\(s\\): \\d+ clean, \\d+ with the findings their scenario means to show, 0 failed`,
      ),
    );
  });

  test('fails on a naive overlay named on the command line, one line per finding', async () => {
    const { code, lines } = await run([naive(2)]);
    assert.equal(code, 1);
    const findings = lines.filter((line) => line.startsWith('  '));
    assert.equal(findings.length, 3);
    assert.match(
      findings[0] ?? '',
      /^ {2}apps\/v1 Deployment default\/hello spec\.template\.spec\.containers\[hello\]\.readinessProbe \[readiness-probe\] \S/,
    );
  });

  test('passes on the hardened overlays named on the command line', async () => {
    assert.equal((await run([overlay('v1'), composedOverlay('hardened', 2, ['kind'])])).code, 0);
  });

  test('says in one line that a directory is no overlay, and exits 2', async () => {
    const { code, lines } = await run([path.join(k8sDir(), 'nowhere')]);
    assert.equal(code, 2);
    assert.match(lines[0] ?? '', /^FAIL .*nowhere: .*no kustomization\.yaml/);
  });

  test('refuses an unknown option in one line, and exits 2', async () => {
    assert.deepEqual(await run(['--strict']), {
      code: 2,
      lines: ['lint:k8s: unknown option --strict (try --help)'],
    });
  });

  test('as a process: exit code 1 and plain lines, no stack trace', () => {
    const entry = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../scripts/lintK8s.js');
    const result = spawnSync(process.execPath, [entry, naive(1)], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    assert.equal(result.status, 1);
    assert.equal(result.stderr, '');
    assert.doesNotMatch(result.stdout, /\n\s+at /);
  });
});
