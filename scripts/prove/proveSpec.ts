import type { LoadGenerator } from '../../loadtest/loadGenerator.js';
import type { RequestShape } from '../../loadtest/requestShape.js';
import type { RunRecord } from '../model.js';
import type { ProgressOutput } from '../rollout/rolloutProgress.js';
import type { Target } from '../target.js';
import type { Protection } from './protections.js';
import type { AppChoice } from './readApp.js';

/** What `npm run prove` was asked to do (scripts/cli/proveFlags.ts reads it from the flags). */
export interface ProveSpec {
  appDir: string;
  toImage: string;
  /** The image deployed first; null: the Deployment's own. */
  fromImage: string | null;
  /** Which Deployment, Service and port of DIR (null: the only one, the one selecting its pods, the first). */
  choice: AppChoice;
  /** How to ask, and tell versions apart (path, method, expected statuses, version source). */
  request: RequestShape;
  target: 'kube' | 'kind';
  /** The parsed values of every flag; the chosen target reads its own rows from them. */
  targetFlags: Readonly<Record<string, unknown>>;
  /** The control runs after the run as given: every protection the app has, only the ones named, or none. */
  controls: 'all' | 'none' | readonly Protection['id'][];
  /** The lint's findings on the app's manifests are fatal. */
  strict: boolean;
  /** kube: let the kubelet pull images no node has. */
  pull: boolean;
  rate: number;
  keepAlive: boolean;
  lbPort: number;
  warmupMs: number;
  cooldownMs: number;
  requestTimeoutMs: number;
  dryRun: boolean;
  /** Leave the app as the last run left it; by default what the runs applied is deleted at the end. */
  keepApp: boolean;
  load: RunRecord['load']['generator'];
  /** Makes the load for one run, writing into that run's folder. */
  createLoad(outDir: string): (baseUrl: string) => LoadGenerator | null;
}

export interface ProveIo {
  outDir: string;
  output: ProgressOutput;
  /** Ctrl-C: the run in progress stops, writes its partial report, and no control runs after it. */
  signal: AbortSignal;
  /** --dry-run: each step's command, printed instead of run. */
  print: (line: string) => void;
}

/** What a run applied last, on which target: what prove removes when it is done (unless --keep-app). */
export interface Applied {
  target: Target;
  overlay: string;
}
