import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import { ManifestError } from './manifestError.js';

/**
 * RFC 6902 JSON Patch, all six operations, as kustomize applies them in `patches:` with a `target:`.
 * https://datatracker.ietf.org/doc/html/rfc6902 · pointers: https://datatracker.ietf.org/doc/html/rfc6901
 */
export const jsonPatchOpSchema = z.discriminatedUnion('op', [
  z.strictObject({ op: z.enum(['add', 'replace', 'test']), path: z.string(), value: z.unknown() }),
  z.strictObject({ op: z.literal('remove'), path: z.string() }),
  z.strictObject({ op: z.enum(['move', 'copy']), from: z.string(), path: z.string() }),
]);
export type JsonPatchOp = z.infer<typeof jsonPatchOpSchema>;

type Container = Record<string, unknown> | unknown[];

/** Applies `ops` in order to a copy of `doc`; the first failing op throws a ManifestError naming it. */
export function applyJsonPatch(doc: unknown, ops: readonly JsonPatchOp[], where: string): unknown {
  let result = structuredClone(doc);
  ops.forEach((op, index) => {
    try {
      result = applyOne(result, op);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new ManifestError(`${where}: patch op ${index + 1} (${op.op} ${op.path}) failed: ${reason}`, {
        cause: error,
      });
    }
  });
  return result;
}

function applyOne(doc: unknown, op: JsonPatchOp): unknown {
  const path = parsePointer(op.path);
  switch (op.op) {
    case 'add':
      return add(doc, path, structuredClone(op.value));
    case 'remove':
      return remove(doc, path);
    case 'replace':
      return replace(doc, path, structuredClone(op.value));
    case 'test':
      if (!isDeepStrictEqual(get(doc, path), op.value)) {
        throw new Error(`expected ${JSON.stringify(op.value)}, found ${JSON.stringify(get(doc, path))}`);
      }
      return doc;
    case 'copy':
      return add(doc, path, structuredClone(get(doc, parsePointer(op.from))));
    case 'move': {
      const from = parsePointer(op.from);
      if (path.length > from.length && from.every((token, i) => token === path[i])) {
        throw new Error(`cannot move ${op.from} into its own child`);
      }
      const value = get(doc, from);
      return add(remove(doc, from), path, value);
    }
  }
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`"${pointer}" is not a JSON pointer (must start with /)`);
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function get(doc: unknown, path: readonly string[]): unknown {
  let node = doc;
  for (const [depth, token] of path.entries()) {
    const container = asContainer(node, path.slice(0, depth));
    if (Array.isArray(container)) {
      node = container[arrayIndex(container, token, false)];
    } else if (Object.hasOwn(container, token)) {
      node = container[token];
    } else {
      throw new Error(`no "${token}" at ${format(path.slice(0, depth))}`);
    }
  }
  return node;
}

function add(doc: unknown, path: readonly string[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parentPath = path.slice(0, -1);
  const container = asContainer(get(doc, parentPath), parentPath);
  const token = path[path.length - 1] as string;
  if (Array.isArray(container)) {
    const index = token === '-' ? container.length : arrayIndex(container, token, true);
    container.splice(index, 0, value);
  } else {
    container[token] = value;
  }
  return doc;
}

function replace(doc: unknown, path: readonly string[], value: unknown): unknown {
  get(doc, path); // must exist
  if (path.length === 0) return value;
  const parentPath = path.slice(0, -1);
  const container = asContainer(get(doc, parentPath), parentPath) as Record<string, unknown>;
  container[path[path.length - 1] as string] = value; // in place: keeps key and item order
  return doc;
}

function remove(doc: unknown, path: readonly string[]): unknown {
  if (path.length === 0) throw new Error('cannot remove the whole document');
  const parentPath = path.slice(0, -1);
  const container = asContainer(get(doc, parentPath), parentPath);
  const token = path[path.length - 1] as string;
  if (Array.isArray(container)) {
    container.splice(arrayIndex(container, token, false), 1);
  } else if (Object.hasOwn(container, token)) {
    delete container[token];
  } else {
    throw new Error(`no "${token}" at ${format(parentPath)}`);
  }
  return doc;
}

function asContainer(node: unknown, path: readonly string[]): Container {
  if (typeof node === 'object' && node !== null) return node as Container;
  throw new Error(`${format(path)} is not an object or a list`);
}

function arrayIndex(list: readonly unknown[], token: string, forInsert: boolean): number {
  const last = forInsert ? list.length : list.length - 1;
  if (!/^(0|[1-9][0-9]*)$/.test(token) || Number(token) > last) {
    throw new Error(`index "${token}" is out of range (the list has ${list.length} items)`);
  }
  return Number(token);
}

function format(path: readonly string[]): string {
  return path.length === 0 ? 'the document root' : `/${path.join('/')}`;
}
