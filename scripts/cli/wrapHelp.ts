/** One help entry: `head` (already padded) then `text` wrapped at `width`, continuation lines under the text. */
export function wrapHelp(head: string, text: string, width = 110): string {
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
