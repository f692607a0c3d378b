// Facts a device tells about itself: the INFO= heartbeat parameter and the `table=options` upload.

/** INFO= values, positional (firmware, users, fingerprints, records, IP, ...); any count tolerated. */
export function parseInfo(info: string): string[] {
  return info.split(',').map((value) => value.trim());
}

/** Comma-separated `key=value` pairs (one line, or several); keys keep their leading `~`. */
export function parseOptionsLine(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split(/\r?\n/)) {
    for (const piece of line.split(',')) {
      const eq = piece.indexOf('=');
      if (eq <= 0) continue;
      out[piece.slice(0, eq).trim()] = piece.slice(eq + 1).trim();
    }
  }
  return out;
}
