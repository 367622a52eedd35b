import type { TargetName } from '../target.js';
import { TARGETS } from './targets.js';

/** Where `--target auto` runs, and the one-line reason it gives. */
export interface TargetChoice {
  target: TargetName;
  reason: string;
}

/** The first target in the registry that can run here (kind when its tools work, else local). */
export async function pickTarget(): Promise<TargetChoice> {
  const refusals: string[] = [];
  for (const entry of TARGETS) {
    if (!entry.detect) continue;
    const { usable, reason } = await entry.detect();
    if (usable) return { target: entry.name, reason: refusals.length > 0 ? refusals.join('; ') : reason };
    refusals.push(reason);
  }
  return { target: 'local', reason: refusals.join('; ') };
}
