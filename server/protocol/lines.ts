// Line splitting shared by every text table: LF with optional CR, blank or whitespace-only lines skipped.

export interface RecordLine {
  /** 1-based line number in the body, counting blank lines, so a report points at the right place. */
  lineNo: number;
  text: string;
}

export function recordLines(text: string): RecordLine[] {
  const out: RecordLine[] = [];
  const raw = text.split('\n');
  for (let i = 0; i < raw.length; i++) {
    let line = raw[i]!;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    out.push({ lineNo: i + 1, text: line });
  }
  return out;
}

/** Counts non-blank record lines of a body that arrives in pieces (a body read but not kept). */
export class RecordLineCounter {
  private count = 0;
  private blank = true;

  push(bytes: Uint8Array): this {
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]!;
      if (byte === 0x0a) {
        if (!this.blank) this.count++;
        this.blank = true;
      } else if (this.blank && byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
        this.blank = false;
      }
    }
    return this;
  }

  /** Lines so far, the last one counted even without a final newline. */
  total(): number {
    return this.blank ? this.count : this.count + 1;
  }
}

/** Non-blank record lines in a body: the `n` of `OK:<n>` (every journaled line counts, parsed or not). */
export function countRecordLines(body: Uint8Array): number {
  return new RecordLineCounter().push(body).total();
}
