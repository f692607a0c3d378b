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

/** Non-blank record lines in a body: the `n` of `OK:<n>` (every journaled line counts, parsed or not). */
export function countRecordLines(body: Uint8Array): number {
  let count = 0;
  let blank = true;
  for (let i = 0; i < body.length; i++) {
    const byte = body[i]!;
    if (byte === 0x0a) {
      if (!blank) count++;
      blank = true;
    } else if (blank && byte !== 0x20 && byte !== 0x09 && byte !== 0x0d) {
      blank = false;
    }
  }
  return blank ? count : count + 1;
}
