/** Every check by its stable id (what tools such as the matrix match on), with the words a reader sees. */
export const CHECK_NAMES = {
  'requests-recorded': 'requests recorded',
  'no-failed-requests': 'no failed requests',
  'both-versions-answered': 'both versions answered',
  'new-config-served': 'new configuration served after the rollout',
  'streams-ended-cleanly': 'every stream ended by the server, none cut',
  'orders-none-lost': 'no order lost',
  'orders-none-ambiguous': 'no order ambiguous (failed, yet processed)',
  'orders-none-duplicated': 'no order processed twice',
  'orders-all-recorded': "every confirmed order in the pods' logs",
  'load-before-rollout': 'load started before the rollout',
  'load-past-completion': 'load ran past rollout completion',
  'load-tool-thresholds': 'load tool thresholds held',
  'load-delivered': 'load delivered',
  'load-tool-ran': 'load tool ran as it should',
  'rollout-completed': 'rollout completed',
  'run-finished': 'run finished',
} as const;
export type CheckId = keyof typeof CHECK_NAMES;

export interface Check {
  id: CheckId;
  name: string;
  /** null: not measured (the load came from an outside tool). */
  passed: boolean | null;
  detail: string;
}

/** One check's result before it is named: `reason` is the sentence a reader sees when it failed. */
export interface Finding {
  id: CheckId;
  passed: boolean | null;
  detail: string;
  reason?: string;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}
