// Timesheet as CSV: UTF-8 with a BOM (Excel reads the accents), comma or semicolon, and every text cell
// escaped against CSV injection as OWASP describes: quoted, quotes doubled, and a leading = + - @ tab or
// CR defused with a ' so a name like =HYPERLINK(...) reaches the spreadsheet as text.
import { TIMESHEET_COLUMNS, timesheetRows, type Cell } from './rows.ts';
import type { Timesheet } from './report.ts';

export type Delimiter = 'comma' | 'semicolon';

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvText(value: string): string {
  const defused = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${defused.replace(/"/g, '""')}"`;
}

/** Numbers unquoted (hours with two decimals); with semicolons a decimal comma, as those locales expect. */
function csvCell(cell: Cell, twoDecimals: boolean, delimiter: Delimiter): string {
  if (typeof cell !== 'number') return csvText(cell);
  const text = twoDecimals ? cell.toFixed(2) : String(cell);
  return delimiter === 'semicolon' ? text.replace('.', ',') : text;
}

const HOURS_COLUMN = TIMESHEET_COLUMNS.indexOf('worked_hours');

export function timesheetCsv(t: Timesheet, delimiter: Delimiter): string {
  const sep = delimiter === 'semicolon' ? ';' : ',';
  const lines = [TIMESHEET_COLUMNS.join(sep)];
  for (const row of timesheetRows(t)) lines.push(row.map((cell, i) => csvCell(cell, i === HOURS_COLUMN, delimiter)).join(sep));
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
