// Employee import files: `pin,name,card` with a header on line 1; RFC 4180 quoting, so a name may hold
// a comma ("Müller, José"). Excel in French (and other comma-decimal locales) writes `;` instead of `,`:
// the header line tells which. Line numbers are the file's own, header included.

const utf8 = new TextDecoder('utf-8', { fatal: true });
const windows1252 = new TextDecoder('windows-1252');

/** UTF-8, or the Windows-1252 that spreadsheet programs still write when asked for plain "CSV". */
export function decodeCsv(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

export interface CsvRecord {
  line: number;
  fields: string[];
}

export type CsvDelimiter = ',' | ';';

/** `;` when the header line (outside quotes) has more semicolons than commas, else `,`. */
export function csvDelimiter(text: string): CsvDelimiter {
  const header = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0]!.replace(/"[^"]*"/g, '');
  const count = (ch: string) => header.split(ch).length - 1;
  return count(';') > count(',') ? ';' : ',';
}

/** Records with the line each starts on; blank lines are skipped. */
export function parseCsv(text: string, delimiter: CsvDelimiter = csvDelimiter(text)): CsvRecord[] {
  const source = text.replace(/^\uFEFF/, '');
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  let touched = false;
  const endRecord = () => {
    fields.push(field);
    if (touched || fields.length > 1 || field.trim() !== '') records.push({ line: startLine, fields });
    fields = [];
    field = '';
    touched = false;
  };
  for (let i = 0; i < source.length; i++) {
    const ch = source[i]!;
    if (quoted) {
      if (ch === '"' && source[i + 1] === '"') {
        field += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else {
        if (ch === '\n') line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field.trim() === '') {
      quoted = true;
      touched = true;
      field = '';
    } else if (ch === delimiter) {
      fields.push(field);
      field = '';
      touched = true;
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && source[i + 1] === '\n') i++;
      endRecord();
      line++;
      startLine = line;
    } else field += ch;
  }
  if (touched || field !== '' || fields.length > 0) endRecord();
  return records;
}

export const IMPORT_COLUMNS = ['pin', 'name', 'card'] as const;

/** Column positions from the header (any order, any case); the missing column's name when incomplete. */
export function importColumns(header: readonly string[]): Record<(typeof IMPORT_COLUMNS)[number], number> | string {
  const names = header.map((h) => h.trim().toLowerCase());
  const at = { pin: names.indexOf('pin'), name: names.indexOf('name'), card: names.indexOf('card') };
  if (at.pin < 0) return 'pin';
  if (at.name < 0) return 'name';
  return at;
}
