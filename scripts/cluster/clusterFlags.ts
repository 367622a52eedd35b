import { textFlag } from '../../loadtest/flags/flag.js';
import { valuesOf } from '../../loadtest/flags/parseFlags.js';

/** The flag rows kind and kube both take (one row in both targets' tables: the CLI lists it once). */
export const CLUSTER_FLAGS = {
  image: textFlag({ value: 'NAME', shownDefault: 'hello', help: 'kind/kube targets: image repository' }),
};

/** The image repository the cluster targets build, load and deploy (`hello` unless --image says). */
export function clusterImage(values: Readonly<Record<string, unknown>>): string {
  return valuesOf(CLUSTER_FLAGS, values).image ?? 'hello';
}
