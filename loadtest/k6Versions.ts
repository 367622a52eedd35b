/**
 * The k6 releases loadtest/rollout.k6.js and the k6 generator support: majors 1 and 2, read against
 * v2.2's source (https://github.com/grafana/k6/tree/v2.2.0) and the v1.0 and v2.0 release notes.
 * What they rely on, unchanged across both: the constant-arrival-rate executor, thresholds on tagged
 * submetrics, handleSummary's data (metrics[name].thresholds[expression].ok), `--out json`, the web
 * dashboard's K6_WEB_DASHBOARD* variables, `-e`, and exit codes 0, 99 (thresholds) and 105 (stopped
 * by a signal). k6 2.0 removed commands, flags and the externally-controlled executor, none of which
 * are used. A new major may change any of that: read its release notes before adding it here.
 */
export const K6_SUPPORTED_MAJORS: readonly number[] = [1, 2];

/** The major of a k6 version ('2.2.0', 'v2.2.0', or `k6 version` output), or null when there is none. */
export function k6Major(text: string): number | null {
  const match = /\bv?(\d+)\.\d+\.\d+/.exec(text);
  return match === null ? null : Number(match[1]);
}

export function k6VersionSupported(text: string): boolean {
  const major = k6Major(text);
  return major !== null && K6_SUPPORTED_MAJORS.includes(major);
}
