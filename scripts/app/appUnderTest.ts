import type { RequestShape } from '../../loadtest/requestShape.js';

/**
 * The Deployment a run rolls out, and how the harness finds its pods, asks its Service and tells its two
 * releases apart. The sample (sampleApp.ts) is one; `npm run prove` reads another from a team's manifests
 * (scripts/prove/readApp.ts). The cluster targets know nothing else of what they roll out.
 */
export interface AppUnderTest {
  /** For progress lines and reports: the Deployment's name, or "hello (the sample)". */
  title: string;
  namespace: string;
  deployment: string;
  /** The container the harness reads (crictl, the version by image): the Deployment's main one. */
  container: string;
  /** The Deployment's pods, as a label selector (`app=hello`). */
  podSelector: string;
  service: string;
  /** How the load and the harness's own polls ask the Service, and read the answering version. */
  request: RequestShape;
  /**
   * Which release a pod runs, by its container's image as the pod spec names it: "1" for the one rolled
   * from, "2" for the one rolled to. Null: the sample's rule (APP_VERSION, else the tag's number).
   */
  imageVersions: Readonly<Record<string, string>> | null;
  /**
   * The answering version the Service must show once an overlay is deployed, before any load (the sample:
   * its APP_VERSION); null: any expected status will do, the versions being learnt from the answers.
   */
  deployedVersion(overlay: string): string | null;
  /**
   * The images a target that loads images itself (kind) must put on its nodes; null: the sample's, built
   * from this checkout's Dockerfile.
   */
  images: readonly string[] | null;
}
