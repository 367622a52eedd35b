/** A Kubernetes object as the manifests hold it: enough typed to tell objects apart, the rest open. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; [key: string]: unknown };
  [key: string]: unknown;
}

/** `apps/v1 Deployment default/hello`: how objects are told apart (and named in errors). */
export function objectId(object: KubeObject): string {
  const namespace = object.metadata.namespace ?? 'default';
  return `${object.apiVersion} ${object.kind} ${namespace}/${object.metadata.name}`;
}
