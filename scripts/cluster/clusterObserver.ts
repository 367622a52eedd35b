import { formatStatuses } from '../../loadtest/requestShape.js';
import type { ClusterObserver } from './clusterTarget.js';
import { createPodWatch } from './podWatch.js';
import { waitForAnswer } from './waitForAnswer.js';

/** The real thing: a client-node pod watch and HTTP polls of the Service. */
export function createClusterObserver(options: { answerTimeoutMs: number }): ClusterObserver {
  return {
    watchPods: (context, app, onEvent, log) => createPodWatch({ context, app, onEvent, log }),
    waitForAnswer: (url, request, version) =>
      waitForAnswer(url, request, version, { timeoutMs: options.answerTimeoutMs }),
  };
}

/** For --dry-run: says what it would watch and wait for, as comment lines of the plan. */
export function createPlanObserver(print: (line: string) => void): ClusterObserver {
  return {
    watchPods(context, app) {
      return {
        async start() {
          print(
            `# watch pods ${app.podSelector} in namespace ${app.namespace} of context ${context} (Kubernetes API)`,
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
    async waitForAnswer(url, request, version) {
      print(
        version === null
          ? `# wait until ${request.method} ${new URL(request.path, url).href} answers ${formatStatuses(request.expect)}`
          : `# wait until ${url} answers from version ${version}`,
      );
    },
  };
}
