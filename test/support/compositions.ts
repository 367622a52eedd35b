import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { scenarioOverlays } from '../../scripts/scenarios/scenarioOverlays.js';
import { findScenario, SCENARIOS } from '../../scripts/scenarios/scenarios.js';
import { TARGETS } from '../../scripts/targets/targets.js';

// What the runs apply, for tests: k8s/overlays/vN + a scenario's Components + a target's, generated once
// per test process under a temporary folder (as a run generates them under its report folder).

const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'compositions-'));
process.once('exit', () => fs.rmSync(workDir, { recursive: true, force: true }));

/** The overlay `scenario` deploys for `version` with a target's Components (none: the plain v1/v2 when hardened). */
export function composedOverlay(
  scenario: string,
  version: 1 | 2,
  components: readonly string[] = [],
): string {
  const found = findScenario(scenario);
  if (!found) throw new Error(`no scenario ${scenario}`);
  const { from, to } = scenarioOverlays(found, found.change, components, workDir);
  return version === 1 ? from : to;
}

/** The distinct sets of Components the registered targets add (two targets may share one, e.g. none). */
export function distinctComponentSets(): Array<readonly string[]> {
  const sets = new Map<string, readonly string[]>();
  for (const list of TARGETS.map((target) => target.componentSets))
    for (const set of list) sets.set(set.join('+'), set);
  return [...sets.values()];
}

/** Every scenario × every set of target Components × both versions, named for test titles. */
export function allCompositions(): Array<{
  name: string;
  scenario: string;
  dir: string;
  components: readonly string[];
}> {
  return SCENARIOS.flatMap((scenario) =>
    distinctComponentSets().flatMap((components) =>
      ([1, 2] as const).map((version) => ({
        name: `${scenario.name} v${version}${components.length ? ` + ${components.join(' + ')}` : ''}`,
        scenario: scenario.name,
        dir: composedOverlay(scenario.name, version, components),
        components,
      })),
    ),
  );
}
