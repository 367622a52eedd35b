/**
 * The scenarios the demo can run: the hardened manifests, and the same manifests with one protection
 * removed (each a kustomize Component in k8s/scenarios/, never a second copy of the Deployment), and
 * broken v2 releases. Each states what it removes and what should happen, so a run can be judged
 * "as expected" — a proof that can fail.
 */
import type { RequestMix } from '../../loadtest/requestMix.js';
import type { CheckId } from '../verdict/checks.js';

export type Drops = 'none' | 'some';

/** What a rollout changes: the code (v1 → v2), the configuration (a new greeting), or both at once. */
export type Change = 'code' | 'config' | 'both';
export const CHANGES: readonly Change[] = ['code', 'config', 'both'];
export const changesCode = (change: Change) => change !== 'config';
export const changesConfig = (change: Change) => change !== 'code';

export interface Scenario {
  name: string;
  /** What it removes or breaks, in a few words (the matrix's second column). */
  removes: string;
  /**
   * Components from k8s/scenarios/ added to the manifests rolled from (v1) and to (v2 for a code change,
   * v1 again for a configuration-only one).
   */
  components: { v1: string[]; v2: string[] };
  /** What it changes unless --change says otherwise. */
  change: Change;
  /** The Component from k8s/changes/ a configuration change adds (default new-greeting). */
  configChange?: string;
  /**
   * For a configuration change: whether every answer after the rollout (and its settle time) carries the
   * new configuration ('consistent'), or old configuration is still served then ('stale').
   */
  expectedConfig?: 'consistent' | 'stale';
  /** Seconds of load after the rollout when --cooldown is not given (default 5). */
  cooldownS?: number;
  /** Dropped requests this scenario should show, with keep-alive on and off. */
  expectedDrops: { keepAliveOn: Drops; keepAliveOff: Drops };
  /** How the rollout should end. */
  expectedOutcome: 'complete' | 'stalled';
  /**
   * Which protections it keeps: every one ('all'), all but the one it removes ('removed'), or every one
   * with a broken v2 ('fault', which the matrix of removed protections leaves out).
   */
  protection: 'all' | 'removed' | 'fault';
  /** Where the damage is a race whose odds grow with the rate: the rate the matrix runs it at. */
  matrixRate?: number;
  /** Why an expectation is what it is, where that is not obvious (shown in the matrix). */
  why?: string;
  /**
   * Which keep-alive settings its rows run with (default: on and off for a code change, on for a
   * configuration change, which does what it does whatever the connections).
   */
  keepAliveModes?: readonly boolean[];
  /**
   * The load it needs to show its damage where short GETs cannot: the defaults of --mix and --streams for
   * a run of it (the matrix's and the fidelity table's included).
   */
  load?: { mix?: RequestMix; streams?: number };
  /**
   * The checks its damage fails beside the count of failed requests: its failure kind (streams cut,
   * orders ambiguous). A run matches the scenario only if each of them failed.
   */
  failingChecks?: { keepAliveOn: CheckId[]; keepAliveOff: CheckId[] };
  /**
   * Where load generators see this scenario differently with keep-alive on: the generator its
   * expectation holds for, and what another one would show instead.
   */
  keepAliveExpectationHoldsFor?: { load: 'builtin'; otherwise: string };
}

const both = (drops: Drops) => ({ keepAliveOn: drops, keepAliveOff: drops });
const onBoth = (name: string) => ({ v1: [name], v2: [name] });

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'hardened',
    removes: 'nothing',
    components: { v1: [], v2: [] },
    expectedDrops: both('none'),
    expectedOutcome: 'complete',
    protection: 'all',
    change: 'code',
  },
  {
    name: 'naive',
    removes: 'readiness probe, preStop, drain and graceful shutdown',
    components: onBoth('naive'),
    expectedDrops: both('some'),
    expectedOutcome: 'complete',
    protection: 'removed',
    change: 'code',
  },
  {
    name: 'no-readiness',
    removes: 'readiness probe (new pods get traffic before they listen)',
    components: onBoth('no-readiness'),
    expectedDrops: both('some'),
    expectedOutcome: 'complete',
    protection: 'removed',
    change: 'code',
  },
  {
    name: 'no-drain',
    removes: 'preStop and SHUTDOWN_DELAY_MS (endpoint removal races SIGTERM)',
    components: onBoth('no-drain'),
    expectedDrops: both('some'),
    // Only connections opened while the endpoint removal travels are refused: rate × lag of them. kube-proxy's
    // lag is some 0.04 s (docs/fidelity.md), so at 100 rps with keep-alive, where new connections are few, a run
    // drops 0 to 5: sometimes none. At 400 rps every run drops.
    matrixRate: 400,
    why: 'only the connections opened during the endpoint propagation lag are refused (rate × lag, some 0.04 s on a cluster): run at 400 rps, where every run shows it',
    expectedOutcome: 'complete',
    protection: 'removed',
    change: 'code',
  },
  {
    name: 'no-graceful',
    removes: 'graceful shutdown (in-flight requests cut at SIGTERM)',
    components: onBoth('no-graceful'),
    expectedDrops: both('some'),
    expectedOutcome: 'complete',
    protection: 'removed',
    change: 'code',
  },
  {
    name: 'no-stream-drain',
    removes: 'the stream drain (open /stream responses cut at SIGTERM, no final event)',
    components: onBoth('no-stream-drain'),
    load: { streams: 50 },
    // The short requests are drained as ever: only the streams fail.
    expectedDrops: both('none'),
    failingChecks: { keepAliveOn: ['streams-ended-cleanly'], keepAliveOff: ['streams-ended-cleanly'] },
    why: 'only the streams fail: every stream open on a leaving pod at its SIGTERM is cut; the GETs are drained as in hardened',
    expectedOutcome: 'complete',
    protection: 'removed',
    change: 'code',
  },
  {
    name: 'orders-cut-in-drain',
    removes: 'finishing orders in the drain (processed, then the connection dropped unanswered)',
    components: onBoth('orders-cut-in-drain'),
    load: { mix: { get: 80, post: 20 } },
    // Kept-alive connections stay pinned to the leaving pod through its preStop, so every order sent on them
    // in the 2 s before SIGTERM completes in the drain. Without keep-alive only the orders that reach it
    // within the endpoint lag do (v1's work, 2 s, is as long as the preStop): a handful at a 1 s lag, often
    // none at 0.1 s, a race the matrix does not run.
    expectedDrops: both('some'),
    failingChecks: { keepAliveOn: ['orders-none-ambiguous'], keepAliveOff: ['orders-none-ambiguous'] },
    keepAliveModes: [true],
    why: 'each order that completes in the drain is processed, then dropped: ambiguous, a retry would process it twice; kept-alive connections bring many (pinned through the preStop), new connections only those within the endpoint lag, a race left out',
    expectedOutcome: 'complete',
    protection: 'removed',
    change: 'code',
  },
  {
    name: 'short-grace',
    removes: 'a long enough grace period (SIGKILL mid-drain)',
    components: onBoth('short-grace'),
    // SIGKILL comes 4 s after the pod starts terminating (grace 3 s, but the kubelet always leaves SIGTERM
    // 2 s). Without keep-alive nothing reaches the pod after its endpoint removal (the lag, at most 1 s), and v1's 2 s
    // requests are over by then; keep-alive connections pinned to it keep sending into the drain.
    expectedDrops: { keepAliveOn: 'some', keepAliveOff: 'none' },
    why: 'without keep-alive, nothing reaches the pod after its endpoint removal (the lag, at most 1 s) and its 2 s requests end before SIGKILL (the kubelet always leaves SIGTERM 2 s): only keep-alive requests are cut',
    expectedOutcome: 'complete',
    protection: 'removed',
    change: 'code',
  },
  {
    name: 'no-connection-close',
    removes: '`Connection: close` during the drain (keep-alive clients stay on the leaving pod)',
    components: onBoth('no-connection-close'),
    expectedDrops: { keepAliveOn: 'some', keepAliveOff: 'none' },
    // The loss is a race between the pod closing an idle keep-alive connection at the end of its drain and
    // the client sending on it; on loopback the window is tiny, so it takes a busier client to show.
    matrixRate: 400,
    why: 'a race between the pod closing idle keep-alive connections and the client reusing them: run at 400 rps, where it shows; without keep-alive there is nothing to race',
    // The request that loses the race dies on a reused connection before the first byte of its answer:
    // exactly what Go's net/http sends again on a new connection for an idempotent GET, silently
    // (persistConn.shouldRetryRequest in https://github.com/golang/go/blob/master/src/net/http/transport.go).
    // undici (the built-in generator) reports it.
    keepAliveExpectationHoldsFor: {
      load: 'builtin',
      otherwise:
        "k6 (Go's net/http) silently sends a GET again when its reused connection closes before the first byte of the answer, so under k6 this row shows fewer drops, often none",
    },
    expectedOutcome: 'complete',
    protection: 'removed',
    change: 'code',
  },
  {
    name: 'v2-never-ready',
    removes: 'a working v2: its /health never answers 200',
    components: { v1: [], v2: ['never-ready'] },
    expectedDrops: both('none'),
    expectedOutcome: 'stalled',
    protection: 'fault',
    change: 'code',
  },
  {
    name: 'v2-crash-at-start',
    removes: 'a working v2: it exits 1 right after starting (CrashLoopBackOff)',
    components: { v1: [], v2: ['crash-at-start'] },
    expectedDrops: both('none'),
    expectedOutcome: 'stalled',
    protection: 'fault',
    change: 'code',
  },
  {
    name: 'v2-slow-start',
    removes: 'a quick start: v2 takes 12 s before it listens (the startup probe holds it)',
    components: { v1: [], v2: ['slow-start'] },
    expectedDrops: both('none'),
    expectedOutcome: 'complete',
    protection: 'fault',
    change: 'code',
  },
  {
    name: 'config-hashed',
    removes: 'nothing: a new greeting through the hashed ConfigMap name, rolled out like code',
    components: { v1: [], v2: [] },
    change: 'config',
    expectedDrops: both('none'),
    expectedOutcome: 'complete',
    expectedConfig: 'consistent',
    protection: 'all',
  },
  {
    name: 'config-in-place-env',
    removes: 'the hashed ConfigMap name: edited in place, read as an environment variable',
    components: onBoth('config-in-place-env'),
    change: 'config',
    expectedDrops: both('none'),
    expectedOutcome: 'complete',
    expectedConfig: 'stale',
    why: 'the pod template does not change, so nothing rolls out, and a running container never re-reads its environment: the old greeting is served until the pods happen to restart',
    protection: 'removed',
  },
  {
    name: 'config-in-place-volume',
    removes: 'the hashed ConfigMap name: edited in place, mounted as a file the app re-reads',
    components: onBoth('config-in-place-volume'),
    change: 'config',
    expectedDrops: both('none'),
    expectedOutcome: 'complete',
    expectedConfig: 'stale',
    why: "nothing rolls out; each pod's file changes at the kubelet's next sync of that pod (syncFrequency, 1 min by default: 69 to 91 s after each pod started, measured on a cluster), so the old greeting is served for up to that long",
    // Long enough to see every pod's file change at the default sync period (75 s after each pod started here; 69 to 91 s measured on a cluster).
    cooldownS: 100,
    protection: 'removed',
  },
  {
    name: 'config-shared-breaking',
    removes: 'a ConfigMap of its own per release: v2 rewrites the one v1 still mounts, renaming its key',
    components: {
      v1: ['config-in-place-volume', 'slow-rollout'],
      v2: ['config-in-place-volume', 'slow-rollout'],
    },
    change: 'both',
    configChange: 'renamed-greeting-key',
    expectedDrops: both('some'),
    expectedOutcome: 'complete',
    why: "v1 pods still running when the kubelet rewrites their volume lose the key they read and fail every request (500) until they are gone; how many depends on the rollout's length against each pod's sync (the scenario slows the rollout to about 100 s, minReadySeconds 30, so the last v1 pod outlives its next sync)",
    protection: 'removed',
  },
];

/** The keep-alive settings a scenario's matrix and fidelity rows run with. */
export function keepAliveModesOf(scenario: Pick<Scenario, 'keepAliveModes' | 'change'>): readonly boolean[] {
  return scenario.keepAliveModes ?? (scenario.change === 'code' ? [true, false] : [true]);
}

/** The checks a scenario's run must fail with keep-alive on or off, as a field named `key` (none: no field). */
export function failingOf<K extends string>(
  scenario: Pick<Scenario, 'failingChecks'>,
  keepAlive: boolean,
  key: K,
): Partial<Record<K, CheckId[]>> {
  const checks = scenario.failingChecks?.[keepAlive ? 'keepAliveOn' : 'keepAliveOff'] ?? [];
  return checks.length === 0 ? {} : ({ [key]: checks } as Record<K, CheckId[]>);
}

/** The scenarios that keep every protection (hardened, and the hardened way to change configuration). */
export function keepsEveryProtection(scenario: Pick<Scenario, 'protection'>): boolean {
  return scenario.protection === 'all';
}

export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
