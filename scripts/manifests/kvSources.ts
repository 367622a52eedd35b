import { isUtf8 } from 'node:buffer';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { ManifestError } from './manifestError.js';

/**
 * Where a configMapGenerator entry's keys and values come from (api/kv/kv.go and
 * api/internal/generators/utils.go, kustomize v5.5.0): env files first, then literals, then files.
 * https://github.com/kubernetes-sigs/kustomize/blob/kustomize/v5.5.0/api/kv/kv.go
 */

export interface Sources {
  literals?: string[] | undefined;
  files?: string[] | undefined;
  envs?: string[] | undefined;
  /** Deprecated singular form; kustomize appends it to `envs` (types.FixKustomization). */
  env?: string | undefined;
}

export function loadPairs(sources: Sources, dir: string, where: string): Pair[] {
  const envs = [...(sources.envs ?? []), ...(sources.env === undefined ? [] : [sources.env])];
  return [
    ...envs.flatMap((env) => envFilePairs(readLocal(dir, env, where), `${where}: ${env}`)),
    ...(sources.literals ?? []).map((literal) => literalPair(literal, where)),
    ...(sources.files ?? []).map((source) => filePair(source, dir, where)),
  ];
}

export interface Pair {
  key: string;
  /** A string from YAML or an env file (valid UTF-8), or a file's bytes. */
  value: string | Buffer;
}

/** kv.parseLiteralSource: KEY=VALUE, split at the first '=', one pair of surrounding quotes removed. */
function literalPair(source: string, where: string): Pair {
  const equals = source.indexOf('=');
  if (equals <= 0) throw new ManifestError(`${where}: invalid literal source ${source}, expected key=value`);
  const value = source.slice(equals + 1);
  const quoted = value.length >= 2 && value[0] === value[value.length - 1] && /^["']/.test(value);
  return { key: source.slice(0, equals), value: quoted ? value.slice(1, -1) : value };
}

/** generators.ParseFileSource: `path` (the key is its base name) or `key=path`. */
function filePair(source: string, dir: string, where: string): Pair {
  const separators = source.split('=').length - 1;
  if (separators > 1)
    throw new ManifestError(`${where}: source "${source}" key name or file path contains '='`);
  if (separators === 1 && (source.startsWith('=') || source.endsWith('='))) {
    throw new ManifestError(`${where}: source "${source}" needs both a key name and a file path`);
  }
  const [key, file] =
    separators === 1 ? (source.split('=') as [string, string]) : [path.posix.basename(source) || '.', source];
  return { key, value: readLocal(dir, file, where) };
}

/**
 * kv.keyValuesFromLines. The traps: nothing is trimmed but leading whitespace (`KEY = v` has the key
 * "KEY " and the value " v"), quotes are kept, a line without '=' has the value "", a line whose key is
 * empty is skipped, a BOM is dropped from the first line only, and keys are not validated
 * (`export X=1` gives the key "export X"). Lines split at \n; bufio.ScanLines drops one trailing \r.
 */
function envFilePairs(content: Buffer, where: string): Pair[] {
  const lines = content.toString('latin1').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const pairs: Pair[] = [];
  for (const [index, latin1] of lines.entries()) {
    const bytes = Buffer.from(latin1.endsWith('\r') ? latin1.slice(0, -1) : latin1, 'latin1');
    // bufio.Scanner's default limit: kustomize fails on longer lines; refuse well before it.
    if (bytes.length > 60_000)
      throw new ManifestError(`${where}: line ${index + 1} is too long for this renderer`);
    if (!isUtf8(bytes)) throw new ManifestError(`${where}: line ${index + 1} has invalid UTF-8`);
    let line = bytes.toString('utf8');
    if (index === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    line = line.replace(GO_LEADING_SPACE, '');
    if (line === '' || line.startsWith('#')) continue;
    const equals = line.indexOf('=');
    const key = equals === -1 ? line : line.slice(0, equals);
    if (key === '') continue;
    pairs.push({ key, value: equals === -1 ? '' : line.slice(equals + 1) });
  }
  return pairs;
}

/** Go's unicode.IsSpace, which is not JavaScript's \s (Go has U+0085, JavaScript has U+FEFF). */
const GO_LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00A0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000]+/;

/**
 * kubectl kustomize loads with the root-only restriction: a file must be in or below the
 * kustomization's directory (its directory's real path is checked, as fLdr.RestrictionRootOnly does).
 */
function readLocal(dir: string, file: string, where: string): Buffer {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(file)) {
    throw new ManifestError(`${where}: remote file "${file}" is not supported by this renderer`);
  }
  const target = path.resolve(dir, file);
  if (!existsSync(target)) throw new ManifestError(`${where}: "${file}" does not exist (${target})`);
  if (statSync(target).isDirectory())
    throw new ManifestError(`${where}: "${file}" is a directory, not a file`);
  const root = realpathSync(dir);
  const parent = realpathSync(path.dirname(target));
  if (parent !== root && !parent.startsWith(root + path.sep)) {
    throw new ManifestError(`${where}: "${file}" is not in or below ${root} (kustomize's load restriction)`);
  }
  return readFileSync(target);
}
