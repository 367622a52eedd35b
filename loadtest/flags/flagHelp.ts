import type { FlagTable } from './parseFlags.js';

/** Where each flag's text starts in --help, and where lines wrap. */
const TEXT_COLUMN = 34;
const WIDTH = 110;

/** `Usage: npm run load -- --url URL [--rate N] ...`: the flags, required ones bare, wrapped under the first. */
export function usageLine(command: string, table: FlagTable): string {
  const head = `Usage: npm run ${command} -- `;
  const items = Object.entries(table).map(([name, flag]) => {
    const written = [`--${name}`, flag.value].join(' ').trim();
    return flag.required !== undefined ? written : `[${written}]`;
  });
  const lines = [head];
  for (const item of items) {
    const line = lines.length - 1;
    if (lines[line]!.length > head.length && lines[line]!.length + item.length >= WIDTH)
      lines.push(' '.repeat(head.length));
    lines[lines.length - 1] += `${item} `;
  }
  return lines.map((line) => line.trimEnd()).join('\n');
}

/** One entry per flag, then -h, --help: what each means, its default, and which targets take it. */
export function flagHelp(table: FlagTable): string {
  const entries = Object.entries(table).map(([name, flag]) => {
    const head = `  ${[`--${name}`, flag.value].join(' ').trim()}`;
    const [first = '', ...more] = flag.help.split('\n');
    const forTargets = flag.targets ? `${flag.targets.names.join('/')} target: ` : '';
    const note = flag.required !== undefined ? 'required' : flag.helpNote;
    const lines = [`${forTargets}${first}${note ? ` (${note})` : ''}`, ...more];
    return entry(head, lines);
  });
  return [...entries, entry('  -h, --help', ['show this help'])].join('\n');
}

function entry(head: string, lines: string[]): string {
  const indent = ' '.repeat(TEXT_COLUMN);
  const wrapped = (firstHead: string) =>
    lines.map((line, i) => wrapHelp(i === 0 ? firstHead : indent, line)).join('\n');
  // A head too long for its column gets a line of its own.
  return head.length < TEXT_COLUMN - 1 ? wrapped(head.padEnd(TEXT_COLUMN)) : `${head}\n${wrapped(indent)}`;
}

/** One help entry: `head` (already padded) then `text` wrapped at `width`, continuation lines under the text. */
export function wrapHelp(head: string, text: string, width = WIDTH): string {
  const lines: string[] = [];
  let line = head;
  for (const word of text.split(' ')) {
    if (line.length > head.length && line.length + 1 + word.length > width) {
      lines.push(line);
      line = ' '.repeat(head.length) + word;
    } else line += (line.length > head.length ? ' ' : '') + word;
  }
  return [...lines, line].join('\n');
}
