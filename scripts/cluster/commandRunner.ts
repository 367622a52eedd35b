import { execFile } from 'node:child_process';

/**
 * The one way the kind and kube targets run external tools (docker, kind, kubectl): execFile, never a
 * shell, so no argument is ever re-parsed. Every command is recorded; a dry-run runner prints each one
 * in order and runs nothing, answering with a plausible canned result so the plan can go on.
 */
export interface CommandResult {
  /**
   * Exit code; 127 when the executable was not found, 124 when it ran past its timeout, 130 when the caller
   * stopped it (`signal`).
   */
  code: number;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** Written to the command's stdin. */
  input?: string;
  /** Killed (SIGTERM) after this long; default 10 minutes. */
  timeoutMs?: number;
  /** Shown instead of the input in a dry-run plan ("< rendered overlay"). */
  inputLabel?: string;
  /**
   * Called with each line the command prints, stdout and stderr alike, as soon as the line is complete:
   * progress of the long ones (`kind create cluster`, `docker build`), which would otherwise be minutes
   * of silence. The result still holds the whole output.
   */
  onLine?: (line: string) => void;
  /** Aborting it stops the command (SIGTERM); the result holds what it printed until then (a followed log). */
  signal?: AbortSignal;
}

export interface CommandRunner {
  run(command: string, args: readonly string[], options?: CommandOptions): Promise<CommandResult>;
  /** Every command asked for so far, in order. */
  readonly history: ReadonlyArray<readonly string[]>;
  readonly dryRun: boolean;
}

const DEFAULT_TIMEOUT_MS = 10 * 60_000;
// `kubectl logs` and `docker build` can be chatty; execFile's default (1 MiB) would kill them.
const MAX_BUFFER = 64 * 1024 * 1024;

export function createCommandRunner(options: { cwd: string }): CommandRunner {
  const history: string[][] = [];
  return {
    history,
    dryRun: false,
    run(command, args, runOptions = {}) {
      history.push([command, ...args]);
      return new Promise((resolve) => {
        const child = execFile(
          command,
          [...args],
          {
            cwd: options.cwd,
            timeout: runOptions.timeoutMs ?? DEFAULT_TIMEOUT_MS,
            maxBuffer: MAX_BUFFER,
            encoding: 'utf8',
            ...(runOptions.signal ? { signal: runOptions.signal } : {}),
          },
          (error, stdout, stderr) => {
            if (!error) return resolve({ code: 0, stdout, stderr });
            const failure = error as NodeJS.ErrnoException & { code?: number | string; killed?: boolean };
            if (failure.name === 'AbortError') return resolve({ code: 130, stdout, stderr });
            if (failure.code === 'ENOENT') {
              return resolve({ code: 127, stdout, stderr: `${command}: not found on PATH` });
            }
            const code = typeof failure.code === 'number' ? failure.code : failure.killed ? 124 : 1;
            resolve({ code, stdout, stderr: stderr || failure.message });
          },
        );
        if (runOptions.onLine) {
          for (const stream of [child.stdout, child.stderr])
            if (stream) forEachLine(stream, runOptions.onLine);
        }
        if (runOptions.input !== undefined) child.stdin?.end(runOptions.input);
      });
    },
  };
}

/** Calls `onLine` with each complete line of `stream`, and with the unterminated rest when it ends. */
function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = '';
  stream.on('data', (chunk: Buffer | string) => {
    const lines = (pending + String(chunk)).split(/\r?\n/);
    pending = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  stream.on('end', () => {
    if (pending) onLine(pending);
    pending = '';
  });
}

/** Prints `$ command args` for each command and answers with `answer(command, args)`. */
export function createDryRunner(
  print: (line: string) => void,
  answer: (command: string, args: readonly string[]) => CommandResult,
): CommandRunner {
  const history: string[][] = [];
  return {
    history,
    dryRun: true,
    async run(command, args, runOptions = {}) {
      history.push([command, ...args]);
      const stdin = runOptions.input === undefined ? '' : ` < ${runOptions.inputLabel ?? 'stdin'}`;
      print(`$ ${[command, ...args].map(quoteForDisplay).join(' ')}${stdin}`);
      return answer(command, args);
    },
  };
}

/** Shell-style quoting for display only (nothing is ever run through a shell). */
export function quoteForDisplay(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
