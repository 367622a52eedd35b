import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';

/**
 * Writes a ConfigMap's data into a pod's volume directory the way the kubelet does, so a process reading
 * it sees what it would see in a pod: each key is a symlink `KEY -> ..data/KEY`, `..data` is a symlink to a
 * timestamped directory holding the files, and an update writes a new directory and renames a fresh
 * `..data` symlink over the old one. The rename is atomic: a reader sees the old files or the new ones,
 * never a mix, and a watcher on the directory sees the rename. Keys that left the ConfigMap lose their
 * symlink (a reader gets ENOENT), as they do in a pod.
 * https://github.com/kubernetes/kubernetes/blob/master/pkg/volume/util/atomic_writer.go
 */
export function writeConfigMapVolume(dir: string, data: Readonly<Record<string, string>>): void {
  mkdirSync(dir, { recursive: true });
  const previous = currentDataDir(dir);
  const stamp = new Date().toISOString().replace(/[-:.]/g, '_');
  const next = path.basename(mkdtempSync(path.join(dir, `..${stamp}.`)));
  for (const [key, value] of Object.entries(data))
    writeFileSync(path.join(dir, next, key), value, { mode: 0o644 });

  const staged = path.join(dir, '..data_tmp');
  rmSync(staged, { force: true });
  symlinkSync(next, staged);
  renameSync(staged, path.join(dir, '..data'));

  for (const entry of readdirSync(dir)) {
    if (entry.startsWith('..')) continue;
    if (!(entry in data)) rmSync(path.join(dir, entry), { force: true });
  }
  for (const key of Object.keys(data)) {
    try {
      symlinkSync(path.join('..data', key), path.join(dir, key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  if (previous !== undefined) rmSync(path.join(dir, previous), { recursive: true, force: true });
}

function currentDataDir(dir: string): string | undefined {
  try {
    return readlinkSync(path.join(dir, '..data'));
  } catch {
    return undefined;
  }
}
