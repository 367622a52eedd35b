/**
 * The scenarios the demo can run: the hardened manifests, and the same manifests with one protection
 * removed (each a kustomize Component in k8s/scenarios/, never a second copy of the Deployment), and
 * broken v2 releases. Each states what it removes and what should happen, so a run can be judged
 * "as expected" — a proof that can fail.
 */
export type Drops = 'none' | 'some';

export interface Scenario {
  name: string;
  /** What it removes or breaks, in a few words (the matrix's second column). */
  removes: string;
  /** Components from k8s/scenarios/ added on top of k8s/overlays/v1 and v2. */
  components: { v1: string[]; v2: string[] };
  /** Dropped requests this scenario should show, with keep-alive on and off. */
  expectedDrops: { keepAliveOn: Drops; keepAliveOff: Drops };
  /** How the rollout should end. */
  expectedOutcome: 'complete' | 'stalled';
  /** A fault scenario breaks v2 only; the matrix of removed protections leaves these out. */
  fault: boolean;
  /** Where the damage is a race whose odds grow with the rate: the rate the matrix runs it at. */
  matrixRate?: number;
  /** Why an expectation is what it is, where that is not obvious (shown in the matrix). */
  why?: string;
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
    fault: false,
  },
  {
    name: 'naive',
    removes: 'readiness probe, preStop, drain and graceful shutdown',
    components: onBoth('naive'),
    expectedDrops: both('some'),
    expectedOutcome: 'complete',
    fault: false,
  },
  {
    name: 'no-readiness',
    removes: 'readiness probe (new pods get traffic before they listen)',
    components: onBoth('no-readiness'),
    expectedDrops: both('some'),
    expectedOutcome: 'complete',
    fault: false,
  },
  {
    name: 'no-drain',
    removes: 'preStop and SHUTDOWN_DELAY_MS (endpoint removal races SIGTERM)',
    components: onBoth('no-drain'),
    expectedDrops: both('some'),
    expectedOutcome: 'complete',
    fault: false,
  },
  {
    name: 'no-graceful',
    removes: 'graceful shutdown (in-flight requests cut at SIGTERM)',
    components: onBoth('no-graceful'),
    expectedDrops: both('some'),
    expectedOutcome: 'complete',
    fault: false,
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
    fault: false,
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
    fault: false,
  },
  {
    name: 'v2-never-ready',
    removes: 'a working v2: its /health never answers 200',
    components: { v1: [], v2: ['never-ready'] },
    expectedDrops: both('none'),
    expectedOutcome: 'stalled',
    fault: true,
  },
  {
    name: 'v2-crash-at-start',
    removes: 'a working v2: it exits 1 right after starting (CrashLoopBackOff)',
    components: { v1: [], v2: ['crash-at-start'] },
    expectedDrops: both('none'),
    expectedOutcome: 'stalled',
    fault: true,
  },
  {
    name: 'v2-slow-start',
    removes: 'a quick start: v2 takes 12 s before it listens (the startup probe holds it)',
    components: { v1: [], v2: ['slow-start'] },
    expectedDrops: both('none'),
    expectedOutcome: 'complete',
    fault: true,
  },
];

export const SCENARIO_NAMES = SCENARIOS.map((scenario) => scenario.name);

export function findScenario(name: string): Scenario | undefined {
  return SCENARIOS.find((scenario) => scenario.name === name);
}
