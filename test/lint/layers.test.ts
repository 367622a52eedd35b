import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

// Compiled to dist/test/lint/, so the repository root is three folders up.
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const eslint = new ESLint({ cwd: root });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, filePath) });
  assert.ok(result, `ESLint returned no result for ${filePath}`);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const cases: { file: string; forbidden: string; allowed: string }[] = [
  { file: 'service/layerProbe.ts', forbidden: '../scripts/model.js', allowed: './config.js' },
  { file: 'service/layerProbe.ts', forbidden: '../bench/lib/benchResult.js', allowed: './config.js' },
  {
    file: 'loadtest/layerProbe.ts',
    forbidden: '../scripts/cli/progressOutput.js',
    allowed: './errorCode.js',
  },
  { file: 'loadtest/layerProbe.ts', forbidden: '../bench/lib/benchResult.js', allowed: './errorCode.js' },
  { file: 'scripts/verdict/layerProbe.ts', forbidden: '../report/summarizeRun.js', allowed: './judgeRun.js' },
  { file: 'scripts/verdict/layerProbe.ts', forbidden: '../cli/progressOutput.js', allowed: './judgeRun.js' },
  { file: 'scripts/k8sLint/layerProbe.ts', forbidden: '../../service/config.js', allowed: './finding.js' },
  { file: 'scripts/k8sLint/layerProbe.ts', forbidden: '../cli/progressOutput.js', allowed: './finding.js' },
  {
    file: 'scripts/report/layerProbe.ts',
    forbidden: '../cli/progressOutput.js',
    allowed: '../verdict/judgeRun.js',
  },
  { file: 'scripts/manifests/layerProbe.ts', forbidden: '../cli/progressOutput.js', allowed: '../model.js' },
];

describe('the layer rule in eslint.config.js', () => {
  for (const { file, forbidden, allowed } of cases) {
    it(`rejects ${forbidden} from ${path.dirname(file)}/`, async () => {
      const messages = await restrictedImports(
        file,
        `import { x } from '${forbidden}';\nexport const y = x;\n`,
      );
      assert.equal(messages.length, 1, `expected one restricted import, got ${JSON.stringify(messages)}`);
      assert.match(messages[0] ?? '', new RegExp(forbidden.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    });
    it(`accepts ${allowed} from ${path.dirname(file)}/`, async () => {
      assert.deepEqual(
        await restrictedImports(file, `import { x } from '${allowed}';\nexport const y = x;\n`),
        [],
      );
    });
  }

  it('lets an entry point in scripts/ import scripts/cli/', async () => {
    const code = `import { x } from './cli/progressOutput.js';\nexport const y = x;\n`;
    assert.deepEqual(await restrictedImports('scripts/layerProbe.ts', code), []);
  });
});
