import type { RequestSample } from '../model.js';

/** The versions as the answers spelled them: the first release's and the other ones seen. */
export interface AnsweredVersions {
  /** What the first answers said (before the rollout only the first release runs); null: none said. */
  from: string | null;
  /** Every other value an answer carried, in order of first sight. */
  others: string[];
}

/**
 * Names each answer's version as the verdict and the report count them, "1" for the release rolled from and
 * "2" for any other, since a team's app spells its versions its own way ("1.4.2", "echo-v2"). The release
 * rolled from is what the first successful answer said: the run deploys it, waits until nothing else is
 * left, and loads it for the warm-up before the rollout begins. Returns the spellings, for the report.
 */
export function labelAnswerVersions(samples: RequestSample[]): AnsweredVersions {
  const first = samples
    .filter((sample) => sample.error === null && sample.version !== null)
    .sort((a, b) => a.scheduledAt - b.scheduledAt)[0];
  const from = first?.version ?? null;
  const others: string[] = [];
  for (const sample of samples) {
    if (sample.version === null) continue;
    if (sample.version === from) sample.version = '1';
    else {
      if (!others.includes(sample.version)) others.push(sample.version);
      sample.version = '2';
    }
  }
  return { from, others };
}
