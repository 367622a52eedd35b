import { createHash } from 'node:crypto';
import { deploymentSettings } from './deploymentSettings.js';
import { ManifestError } from './manifestError.js';
import type { KubeObject } from './kubeObject.js';

/**
 * The configuration rendered manifests give the service, and the hash its answers will carry for it
 * (X-Config-Hash): the greeting its pods read, from GREETING_FILE in a mounted ConfigMap or from GREETING
 * (a literal or a ConfigMap key). The harness never imports the service, so the hash is computed here the
 * way the service computes it (service/greetingSource.ts; a test checks that the two agree).
 */
export interface ConfiguredGreeting {
  greeting: string;
  hash: string;
  /** Where the pods read it: `ConfigMap hello-config-abc key GREETING, as env`. */
  source: string;
}

/** The first 8 hex digits of the SHA-256 of the greeting's UTF-8 bytes. */
export function greetingHash(greeting: string): string {
  return createHash('sha256').update(greeting, 'utf8').digest('hex').slice(0, 8);
}

export function configuredGreeting(objects: readonly KubeObject[]): ConfiguredGreeting {
  const { container } = deploymentSettings(objects);
  const configMap = (name: string): Record<string, string> => {
    const found = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === name);
    if (!found) throw new ManifestError(`the manifests name ConfigMap ${name} but do not contain it`);
    return (found.data as Record<string, string> | undefined) ?? {};
  };
  const file = container.env.GREETING_FILE;
  if (file !== undefined) {
    const mount = container.configMapMounts.find((m) =>
      file.startsWith(`${m.mountPath.replace(/\/+$/, '')}/`),
    );
    if (!mount) throw new ManifestError(`GREETING_FILE=${file} is not in a mounted ConfigMap`);
    const key = file.slice(mount.mountPath.replace(/\/+$/, '').length + 1);
    const text = configMap(mount.configMap)[key];
    if (text === undefined)
      throw new ManifestError(`ConfigMap ${mount.configMap} has no key ${key} (GREETING_FILE)`);
    const greeting = text.replace(/\r?\n$/, '');
    return {
      greeting,
      hash: greetingHash(greeting),
      source: `ConfigMap ${mount.configMap} key ${key}, as a file`,
    };
  }
  const ref = container.configMapEnv.GREETING;
  if (ref) {
    const greeting = configMap(ref.configMap)[ref.key];
    if (greeting === undefined)
      throw new ManifestError(`ConfigMap ${ref.configMap} has no key ${ref.key} (GREETING)`);
    return {
      greeting,
      hash: greetingHash(greeting),
      source: `ConfigMap ${ref.configMap} key ${ref.key}, as env`,
    };
  }
  const literal = container.env.GREETING;
  if (literal === undefined)
    throw new ManifestError('the Deployment sets neither GREETING nor GREETING_FILE');
  return { greeting: literal, hash: greetingHash(literal), source: 'a literal GREETING' };
}
