// Names in commands travel in the clock's own encoding (protocol.md §5.2, §6.3): GB2312 on
// Chinese-language clocks (handshake `language=83`), UTF-8 on all others. Node decodes GB18030 but
// cannot encode it, so the two-byte table is built once by decoding every two-byte sequence.

const SIMPLIFIED_CHINESE = '83';

let twoByteTable: Map<string, Buffer> | undefined;

function gb18030Table(): Map<string, Buffer> {
  if (twoByteTable) return twoByteTable;
  const decoder = new TextDecoder('gb18030');
  const table = new Map<string, Buffer>();
  for (let lead = 0x81; lead <= 0xfe; lead++) {
    for (let trail = 0x40; trail <= 0xfe; trail++) {
      if (trail === 0x7f) continue;
      const bytes = Buffer.from([lead, trail]);
      const char = decoder.decode(bytes);
      if (char.length === 1 && char !== '\uFFFD' && !table.has(char)) table.set(char, bytes);
    }
  }
  twoByteTable = table;
  return table;
}

/** GB18030 bytes of `text` (ASCII as is, two-byte characters from the table, anything else as `?`). */
export function encodeGb18030(text: string): Buffer {
  const table = gb18030Table();
  const parts: Buffer[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    parts.push(code < 0x80 ? Buffer.from([code]) : (table.get(char) ?? Buffer.from('?')));
  }
  return Buffer.concat(parts);
}

export function deviceEncoding(language: string | null | undefined): 'gb18030' | 'utf-8' {
  return language?.trim() === SIMPLIFIED_CHINESE ? 'gb18030' : 'utf-8';
}
