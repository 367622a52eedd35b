import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

const chunkBytes = 1 << 20;

/**
 * Follows a file another process appends lines to (k6's JSON output) and hands over each complete
 * line once. Reads only what was appended since the last read, so following a run costs what the
 * run writes, once; a line still being written waits for its newline.
 */
export class NdjsonTail {
  private offset = 0;
  private partial = '';
  private readonly decoder = new StringDecoder('utf8');
  private reading: Promise<void> = Promise.resolve();

  constructor(
    private readonly path: string,
    private readonly onLine: (line: string) => void,
  ) {}

  /** Reads what was appended since the last call. A file that does not exist yet is no news. */
  poll(): Promise<void> {
    // Reads are chained: two at once would read the same bytes twice.
    this.reading = this.reading.then(() => this.readAppended());
    return this.reading;
  }

  /** Reads to the end and hands over a last line even without its newline. */
  async finish(): Promise<void> {
    await this.poll();
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    if (rest.trim() !== '') this.onLine(rest);
  }

  private async readAppended(): Promise<void> {
    let file;
    try {
      file = await open(this.path, 'r');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    try {
      const buffer = Buffer.allocUnsafe(chunkBytes);
      for (;;) {
        const { bytesRead } = await file.read(buffer, 0, chunkBytes, this.offset);
        if (bytesRead === 0) return;
        this.offset += bytesRead;
        this.deliver(this.decoder.write(buffer.subarray(0, bytesRead)));
      }
    } finally {
      await file.close();
    }
  }

  private deliver(text: string): void {
    const all = this.partial + text;
    let start = 0;
    for (let nl = all.indexOf('\n'); nl !== -1; nl = all.indexOf('\n', start)) {
      const line = all.slice(start, nl);
      if (line.trim() !== '') this.onLine(line);
      start = nl + 1;
    }
    this.partial = all.slice(start);
  }
}
