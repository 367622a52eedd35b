import { createHash } from 'node:crypto';
import { readFileSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { ConfigError, GREETING_TEXT, greetingSchema, type Config } from './config.js';
import type { Logger } from './logger.js';

/** The greeting an answer is built from, and the short hash of it that the answer carries (X-Config-Hash). */
export interface Greeting {
  text: string;
  hash: string;
}

export interface GreetingSource {
  /** The greeting to answer with now, or why there is none (the file went missing or invalid). */
  current(): Greeting | { problem: string };
  close(): void;
}

/**
 * The first 8 hex digits of the SHA-256 of the greeting's UTF-8 bytes: which configuration an answer was
 * built from, short enough for a header and stable across processes and machines.
 */
export function configHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 8);
}

/**
 * GREETING, or, when GREETING_FILE is set, that file, read at start and again whenever it changes (a
 * ConfigMap mounted as a volume, updated by the kubelet while the pod runs). A file that is unreadable or
 * invalid at start stops the process like any bad setting (ConfigError). One that goes missing or invalid
 * later is not papered over with the last value: `current()` reports the problem, GET / answers 500, and
 * a broken configuration shows in the error rate instead of as answers silently built from a stale one.
 */
export function openGreetingSource(
  config: Pick<Config, 'greeting' | 'greetingFile'>,
  logger: Logger,
): GreetingSource {
  const file = config.greetingFile;
  if (file === undefined) {
    const fixed = { text: config.greeting, hash: configHash(config.greeting) };
    return { current: () => fixed, close: () => {} };
  }

  let state = readGreetingFile(file);
  if ('problem' in state)
    throw new ConfigError(`Invalid GREETING_FILE=${JSON.stringify(file)}: ${state.problem}.`);
  const reread = () => {
    const next = readGreetingFile(file);
    const changed =
      'problem' in next ? !('problem' in state) : 'problem' in state || next.hash !== state.hash;
    state = next;
    if (!changed) return;
    if ('problem' in next) logger.error({ file, problem: next.problem }, 'greeting unavailable');
    else logger.info({ file, configHash: next.hash }, 'greeting changed');
  };
  // Watch the directory, not the file: the kubelet updates a ConfigMap volume by writing a new directory
  // and renaming the `..data` symlink over the old one, so the file's path keeps its name while the inode
  // behind it is replaced, and a watch on the file itself would go on watching the old one.
  // https://kubernetes.io/docs/concepts/configuration/configmap/#mounted-configmaps-are-updated-automatically
  let watcher: FSWatcher | undefined = watch(path.dirname(file), { persistent: false }, reread);
  watcher.on('error', (error) => {
    logger.error({ err: error, file }, 'cannot watch the greeting file; it will not be re-read');
    watcher?.close();
    watcher = undefined;
  });
  return {
    current: () => state,
    close: () => watcher?.close(),
  };
}

function readGreetingFile(file: string): Greeting | { problem: string } {
  let content: string;
  try {
    content = readFileSync(file, 'utf8');
  } catch (error) {
    return { problem: `cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  // Editors and `kubectl create configmap --from-file` leave one trailing newline: it is not part of the value.
  const text = content.replace(/\r?\n$/, '');
  if (!greetingSchema.safeParse(text).success) return { problem: `expected ${GREETING_TEXT}` };
  return { text, hash: configHash(text) };
}
