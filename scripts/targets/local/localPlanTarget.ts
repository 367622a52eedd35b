import path from 'node:path';
import { deploymentSettings, type DeploymentSettings } from '../../manifests/deploymentSettings.js';
import { renderKustomization } from '../../manifests/renderKustomization.js';
import { resolveRollingUpdate } from '../../manifests/rollingUpdate.js';
import type { Target } from '../../target.js';

export interface LocalPlanOptions {
  lbPort: number;
  propagationLagMs: number;
  kubeletSyncMs: number;
  logDir: string;
  serviceEntry: string;
  print: (line: string) => void;
}

/**
 * The local target for --dry-run. It runs no commands (its pods and balancer are processes it starts
 * itself), so its plan says what it would start and what rules it would follow, read from the same
 * manifests the run would read; nothing is started.
 */
export function createLocalPlanTarget(options: LocalPlanOptions): Target {
  const { print } = options;
  let current: DeploymentSettings | null = null;
  const rollingUpdate = (overlay: string): string => {
    const settings = settingsOf(overlay);
    const before = current;
    current = settings;
    return before?.templateHash === settings.templateHash
      ? sameTemplateLine(overlay, settings, options.kubeletSyncMs)
      : rollingUpdateLine(overlay, settings);
  };
  let tornDown = false;
  return {
    name: 'local',
    settings: { propagationLagMs: options.propagationLagMs, kubeletSyncMs: options.kubeletSyncMs },
    async up() {
      const port = options.lbPort || '<a free port>';
      print(`# start the Service's balancer (a process of its own, as kube-proxy is) on 127.0.0.1:${port}`);
      return `http://127.0.0.1:${port}`;
    },
    async deploy(overlay) {
      current = settingsOf(overlay);
      printDeploy(options, overlay, current);
      return 'complete';
    },
    async rollOut(overlay) {
      print(rollingUpdate(overlay));
      return 'complete';
    },
    async rollBack(overlay) {
      print(rollingUpdate(overlay));
      return 'complete';
    },
    async killPod(version) {
      print(
        `# SIGKILL the process of one ready v${version} pod (no preStop, no grace); the Deployment replaces it`,
      );
      return { pod: `<a ready v${version} pod>`, at: Date.now(), what: 'killed with SIGKILL (planned)' };
    },
    async settle() {
      print('# wait until no pod is terminating');
    },
    podCounts: () => ({ ready: 0, terminating: 0 }),
    onEvent() {},
    async teardown() {
      if (tornDown) return;
      tornDown = true;
      print('# stop every pod process and the balancer');
    },
  };
}

function settingsOf(overlay: string): DeploymentSettings {
  return deploymentSettings(renderKustomization(overlay));
}

function printDeploy(options: LocalPlanOptions, overlay: string, settings: DeploymentSettings): void {
  options.print(
    `# start ${settings.replicas} pods of ${path.basename(overlay)}: node ` +
      `${path.relative(process.cwd(), options.serviceEntry)}, probed as the manifests say, output in ` +
      `${options.logDir}/`,
  );
  options.print(
    `# wait until every pod is ready and in the balancer's endpoints ` +
      `(propagation lag ${options.propagationLagMs / 1000} s)`,
  );
}

/** An overlay whose pod template is the one running: only its ConfigMaps change, so nothing rolls out. */
function sameTemplateLine(overlay: string, settings: DeploymentSettings, kubeletSyncMs: number): string {
  const mounts = settings.container.configMapMounts.map((m) => m.configMap);
  return (
    `# apply ${path.basename(overlay)}: its ConfigMaps change, its pod template does not, so nothing rolls ` +
    `out` +
    (mounts.length
      ? `; each pod mounting ${[...new Set(mounts)].join(', ')} sees the change at its next kubelet sync ` +
        `(every ${kubeletSyncMs / 1000} s from its start)`
      : '; running pods keep the environment they started with')
  );
}

function rollingUpdateLine(overlay: string, settings: DeploymentSettings): string {
  const limits = resolveRollingUpdate(settings.replicas, settings.maxSurge, settings.maxUnavailable);
  return (
    `# the Deployment controller's rolling update to ${path.basename(overlay)}: ${settings.replicas} ` +
    `replicas, maxSurge ${limits.maxSurge}, maxUnavailable ${limits.maxUnavailable}; each old pod gets ` +
    `preStop, then SIGTERM, SIGKILL at ${settings.terminationGracePeriodSeconds} s`
  );
}
