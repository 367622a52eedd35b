import { createHash } from 'node:crypto';
import { ManifestError } from './manifestError.js';

/**
 * The suffix kustomize v5.5 appends to a generated ConfigMap's name (`app` → `app-2h4bd5258g`), from
 * api/hasher/hasher.go (https://github.com/kubernetes-sigs/kustomize/blob/kustomize/v5.5.0/api/hasher/hasher.go):
 *   1. encode {"binaryData": ..., "data": ..., "kind": "ConfigMap", "name": ""} with Go's encoding/json
 *      (keys sorted bytewise; binaryData only when it is a map; data "" when absent);
 *   2. sha256 of that text, in lowercase hex;
 *   3. its first 10 characters, with 0→g, 1→h, 3→k, a→m, e→t (so the suffix never looks like a number).
 * Two traps, both checked against `kubectl kustomize`:
 *   - the name is always "": the hasher looks it up with yaml.Lookup("metadata/name"), which reads a
 *     single field literally called "metadata/name", finds nothing and uses "". Equal data, equal suffix.
 *   - Go's encoder escapes <, >, & (and U+2028, U+2029) as \u003c..., which JSON.stringify does not.
 */
export function configMapHash(configMap: Readonly<Record<string, unknown>>, where: string): string {
  const encoded: Record<string, unknown> = {
    kind: 'ConfigMap',
    name: '',
    data: configMap.data === undefined ? '' : stringMap(configMap.data, `${where}: data`),
  };
  if (configMap.binaryData !== undefined) {
    encoded.binaryData = stringMap(configMap.binaryData, `${where}: binaryData`);
  }
  return hashSuffix(createHash('sha256').update(goJson(encoded), 'utf8').digest('hex'));
}

const SUBSTITUTIONS: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };

/** hasher.go `encode`: the first 10 hex characters, with the characters that read as digits replaced. */
export function hashSuffix(hex: string): string {
  return [...hex.slice(0, 10)].map((character) => SUBSTITUTIONS[character] ?? character).join('');
}

/** What Go's json.Marshal prints for strings and maps of them (all the hasher ever encodes here). */
export function goJson(value: unknown): string {
  if (typeof value === 'string') return goJsonString(value);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const entries = Object.entries(value).sort(([a], [b]) => compareBytes(a, b));
    return `{${entries.map(([key, item]) => `${goJsonString(key)}:${goJson(item)}`).join(',')}}`;
  }
  throw new ManifestError(`cannot hash ${JSON.stringify(value)}: only strings and maps of strings`);
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function goJsonString(text: string): string {
  // Go strings are UTF-8 bytes: a lone surrogate cannot come out of kustomize the same way.
  if (LONE_SURROGATE.test(text)) throw new ManifestError(`cannot hash a string with a lone surrogate`);
  // Go (1.22+, which kubectl 1.32 is built with) escapes control characters as JSON.stringify does
  // (\b \f \n \r \t, else \u00xx) and, with its default HTML escaping, also these five.
  return JSON.stringify(text).replace(
    /[<>&\u2028\u2029]/g,
    (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** Go compares strings (and sorts map keys) by their UTF-8 bytes, not by UTF-16 code units. */
export function compareBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

function stringMap(value: unknown, where: string): Record<string, string> {
  const ok =
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((item) => typeof item === 'string');
  if (!ok) {
    throw new ManifestError(`${where} must be a map of strings for this renderer to compute the name hash`);
  }
  return value as Record<string, string>;
}
