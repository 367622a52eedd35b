import type { KubeObject } from '../../manifests/kubeObject.js';

export type ConfigMapData = Readonly<Record<string, string>>;

/**
 * The local cluster's ConfigMaps, as the API server holds them: `kubectl apply` creates or replaces each
 * one it is given and leaves the others (kustomize's old hashed ConfigMaps stay, as they do in a
 * cluster: nothing prunes them). Pods read keys at container start and subscribe to changes of the ones
 * they mount.
 */
export interface ConfigMaps {
  /** Stores the ConfigMaps among `objects`; tells subscribers of each one whose data changed. */
  apply(objects: readonly KubeObject[]): void;
  get(name: string): ConfigMapData | undefined;
  /** Calls `listener` after each change of ConfigMap `name`; returns the unsubscribe. */
  subscribe(name: string, listener: () => void): () => void;
}

export function createConfigMaps(): ConfigMaps {
  const stored = new Map<string, ConfigMapData>();
  const listeners = new Map<string, Set<() => void>>();
  return {
    apply(objects) {
      for (const object of objects) {
        if (object.kind !== 'ConfigMap' || object.apiVersion !== 'v1') continue;
        const data = { ...((object.data as Record<string, string> | undefined) ?? {}) };
        const before = stored.get(object.metadata.name);
        stored.set(object.metadata.name, data);
        if (before !== undefined && JSON.stringify(before) !== JSON.stringify(data)) {
          for (const listener of listeners.get(object.metadata.name) ?? []) listener();
        }
      }
    },
    get: (name) => stored.get(name),
    subscribe(name, listener) {
      const set = listeners.get(name) ?? new Set();
      listeners.set(name, set);
      set.add(listener);
      return () => set.delete(listener);
    },
  };
}
