// Names in commands travel in the clock's own encoding (protocol.md §5.2, §6.3): GB2312 on
// Chinese-language clocks (handshake `language=83`), UTF-8 on all others. GB18030 is the superset of
// GB2312 that can write every character (four-byte sequences too); iconv-lite encodes it.
import iconv from 'iconv-lite';

const SIMPLIFIED_CHINESE = '83';

/** GB18030 bytes of `text`: ASCII as is, GB2312 characters in two bytes, everything else in four. */
export function encodeGb18030(text: string): Buffer {
  return iconv.encode(text, 'gb18030');
}

export function deviceEncoding(language: string | null | undefined): 'gb18030' | 'utf-8' {
  return language?.trim() === SIMPLIFIED_CHINESE ? 'gb18030' : 'utf-8';
}
