import type { ClusterObserver } from './clusterTarget.js';
import { NAMESPACE, POD_SELECTOR } from './kubectl.js';
import { createPodWatch } from './podWatch.js';
import { waitForVersion } from './waitForVersion.js';

/** The real thing: a client-node pod watch and HTTP polls of the Service. */
export function createClusterObserver(options: { answerTimeoutMs: number }): ClusterObserver {
  return {
    watchPods: (context, onEvent, log) => createPodWatch({ context, onEvent, log }),
    waitForVersion: (url, version) => waitForVersion(url, version, { timeoutMs: options.answerTimeoutMs }),
  };
}

/** For --dry-run: says what it would watch and wait for, as comment lines of the plan. */
export function createPlanObserver(print: (line: string) => void): ClusterObserver {
  return {
    watchPods(context) {
      return {
        async start() {
          print(
            `# watch pods ${POD_SELECTOR} in namespace ${NAMESPACE} of context ${context} (Kubernetes API)`,
          );
        },
        podCounts: () => ({ ready: 0, terminating: 0 }),
        async untilNoneTerminating() {
          print('# wait until no pod is terminating');
          return true;
        },
        stop() {},
      };
    },
    async waitForVersion(url, version) {
      print(`# wait until ${url} answers from version ${version}`);
    },
  };
}
