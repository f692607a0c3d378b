// Command results posted to /iclock/devicecmd (protocol.md §6.4): several per body, INFO adds key=value lines.

export interface CommandResult {
  id: string;
  returnCode: number | null;
  cmd: string;
  /** Every field of the result line (`ID`, `Return`, `CMD`, and extras such as `AttlogSum`). */
  fields: Record<string, string>;
  /** Key=value lines that followed the result line (INFO options, Shell output). */
  extra: Record<string, string>;
  /** The raw text of this result, kept as the command's outcome. */
  raw: string;
}

function splitPair(piece: string): [string, string] {
  const eq = piece.indexOf('=');
  return eq < 0 ? [piece, ''] : [piece.slice(0, eq), piece.slice(eq + 1)];
}

export function parseCommandResults(text: string): CommandResult[] {
  const results: CommandResult[] = [];
  let current: CommandResult | null = null;
  for (let line of text.split('\n')) {
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.trim() === '') continue;
    if (/^ID=/i.test(line)) {
      const fields: Record<string, string> = {};
      for (const piece of line.split('&')) {
        const [key, value] = splitPair(piece);
        fields[key.trim()] = value.trim();
      }
      const lookup = (name: string) => Object.entries(fields).find(([k]) => k.toLowerCase() === name)?.[1];
      const ret = lookup('return');
      current = {
        id: lookup('id') ?? '',
        returnCode: ret !== undefined && /^-?\d+$/.test(ret) ? Number(ret) : null,
        cmd: lookup('cmd') ?? '',
        fields,
        extra: {},
        raw: line,
      };
      results.push(current);
    } else if (current) {
      const [key, value] = splitPair(line);
      current.extra[key.trim()] = value;
      current.raw += `\n${line}`;
    }
  }
  return results;
}
