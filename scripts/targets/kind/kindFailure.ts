import { lastLine } from '../../cluster/textLines.js';

/**
 * kind's reason for failing, as one line. kind prints `ERROR: <what failed>`, and when a command it ran
 * failed, a blank line and `Command Output: <everything that command printed>` after it
 * (cmd/kind/app/main.go). The command in the ERROR line is quoted whole (a `docker run` of a node is
 * hundreds of characters), so it is shortened to its tool and verb; the command's output is kept whole
 * but for noise: the id of a container `docker run` created before it failed, and docker's "Run 'docker
 * run --help'" hint. Without an ERROR line, the last line printed.
 */
export function kindFailureReason(output: string): string {
  const lines = output.split(/\r?\n/);
  const errorAt = lines.findIndex((line) => line.startsWith('ERROR: '));
  if (errorAt < 0) return lastLine(output);
  const reason = shortenCommands(lines[errorAt]!.slice('ERROR: '.length).trim());
  const outputAt = lines.findIndex((line, index) => index > errorAt && line.startsWith('Command Output: '));
  if (outputAt < 0) return reason;
  const printed: string[] = [];
  for (const line of [lines[outputAt]!.slice('Command Output: '.length), ...lines.slice(outputAt + 1)]) {
    // With -v 1 or more a stack trace follows: not the reason.
    if (line.startsWith('Stack Trace: ')) break;
    const text = line.trim();
    if (!text || /^[0-9a-f]{64}$/.test(text) || /^Run '.+ --help' for more information$/.test(text)) continue;
    printed.push(text);
  }
  return printed.length > 0 ? `${reason}: ${printed.join(' ')}` : reason;
}

/** `command "docker pull kindest/node:…@sha256:…" failed with error: exit status 1` → `` `docker pull` exited 1 ``. */
function shortenCommands(text: string): string {
  return text.replace(
    /command "(.*?)" failed with error: exit status (\d+)/g,
    (_match, command: string, code) => {
      const [tool, verb] = command.split(' ');
      const name = verb && !verb.startsWith('-') ? `${tool} ${verb}` : tool;
      return `\`${name}\` exited ${code}`;
    },
  );
}

/** True when a failure says a host port was taken (Docker's userland proxy, or another container on it). */
export function hostPortTaken(reason: string): boolean {
  return /address already in use|port is already allocated/.test(reason);
}
