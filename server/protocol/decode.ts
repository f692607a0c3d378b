// Device text is UTF-8, except names from Chinese-language devices (GB2312, decoded as GB18030).

const utf8 = new TextDecoder('utf-8', { fatal: true });
const gb18030 = new TextDecoder('gb18030');
const latin1 = new TextDecoder('latin1');

/** UTF-8 when the bytes are valid UTF-8, else GB18030 (names) or latin1 (ATTLOG, lossless). */
export function decodeDeviceText(bytes: Uint8Array, fallback: 'gb18030' | 'latin1' = 'gb18030'): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return (fallback === 'gb18030' ? gb18030 : latin1).decode(bytes);
  }
}

/** Splits raw bytes on LF so each line can be decoded on its own (one bad line cannot spoil the rest). */
export function splitByteLines(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      out.push(bytes.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}
