import type { Rule } from '../rule.js';

/**
 * kustomize's configMapGenerator appends a hash of the content to the name (`hello-config-9tc2667tk4`:
 * ten characters of an alphabet without vowels, api/hasher/hasher.go), so every change is a new name in
 * the pod template and rolls out. A ConfigMap without one is edited in place: env values stay as they were
 * until a pod restarts, mounted files change under running pods at the kubelet's next sync, and a release
 * that changes its keys breaks the pods still reading the old ones.
 * https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically
 */
const HASH_SUFFIX = /-[2456789bcdfghkmt]{10}$/;

export const configMapName: Rule = {
  id: 'config-map-name',
  check({ settings, main, finding }) {
    if (!settings) return [];
    const { configMapEnv, configMapMounts } = settings.container;
    const uses = [
      ...Object.entries(configMapEnv).map(([variable, ref]) => ({
        name: ref.configMap,
        how: `env ${variable}`,
        field: `${main}.env[${variable}]`,
      })),
      ...configMapMounts.map((mount) => ({
        name: mount.configMap,
        how: `volume ${mount.volume}`,
        field: `spec.template.spec.volumes[${mount.volume}]`,
      })),
    ];
    return uses
      .filter((use) => !HASH_SUFFIX.test(use.name))
      .map((use) =>
        finding(
          use.field,
          'config-map-name',
          `ConfigMap ${use.name} (${use.how}) has a fixed name, so a change to it is made in place and rolls nothing out: ` +
            'generate it with kustomize configMapGenerator, whose name carries a hash of its content',
        ),
      );
  },
};
