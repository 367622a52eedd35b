import { rmSync } from 'node:fs';
import path from 'node:path';
import type { ConfigMapMount } from '../../manifests/containerSettings.js';
import type { ConfigMaps } from './configMaps.js';
import { writeConfigMapVolume } from './configMapVolume.js';

/**
 * A local pod's ConfigMap volumes: one directory each under the pod's own folder, written at start and
 * rewritten after each change of its ConfigMap at the pod's next kubelet sync. The kubelet syncs each pod
 * every syncFrequency (1 min by default, plus up to 50 % jitter) and only then rewrites its ConfigMap
 * volumes, so each pod sees a change at its own moment, up to a sync period late. Here a pod syncs every
 * `kubeletSyncMs` from its creation, without the jitter, so a run is reproducible.
 * https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically
 */
export interface PodVolumes {
  /**
   * A path as the container would see it, mapped into the volume directory that stands for its mount
   * (a process here has no mount namespace): `/etc/hello/GREETING` → `<pod dir>/config/GREETING`.
   */
  hostPath(value: string): string;
  close(): void;
}

export interface PodVolumeOptions {
  podDir: string;
  mounts: readonly ConfigMapMount[];
  configMaps: ConfigMaps;
  kubeletSyncMs: number;
  createdAt: number;
  now: () => number;
}

export function mountPodVolumes(options: PodVolumeOptions): PodVolumes {
  const { podDir, mounts, configMaps, kubeletSyncMs, createdAt, now } = options;
  const timers = new Set<NodeJS.Timeout>();
  const unsubscribes: Array<() => void> = [];
  const dirOf = (mount: ConfigMapMount) => path.join(podDir, mount.volume);
  const write = (mount: ConfigMapMount) =>
    writeConfigMapVolume(dirOf(mount), configMaps.get(mount.configMap) ?? {});

  for (const mount of mounts) {
    write(mount);
    unsubscribes.push(
      configMaps.subscribe(mount.configMap, () => {
        const since = now() - createdAt;
        const delay = kubeletSyncMs - (since % kubeletSyncMs);
        const timer = setTimeout(() => {
          timers.delete(timer);
          write(mount);
        }, delay);
        timers.add(timer);
      }),
    );
  }

  return {
    hostPath(value) {
      for (const mount of mounts) {
        const prefix = mount.mountPath.replace(/\/+$/, '');
        if (value === prefix || value.startsWith(`${prefix}/`))
          return dirOf(mount) + value.slice(prefix.length);
      }
      return value;
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      for (const unsubscribe of unsubscribes) unsubscribe();
      if (mounts.length > 0) rmSync(podDir, { recursive: true, force: true });
    },
  };
}
