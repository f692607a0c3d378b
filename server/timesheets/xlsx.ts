// Timesheet as an Excel workbook (exceljs, streamed): sheet Timesheet (one row per employee and day)
// and sheet Totals. Numbers are numbers; text is written as text, never as a formula, whatever it starts with.
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { dayRow, TIMESHEET_COLUMNS, TOTALS_COLUMNS, totalsRow, type Cell } from './rows.ts';
import type { Timesheet } from './report.ts';

/** Width from the longest cell (header included), within readable bounds. */
function widths(header: readonly string[], rows: Iterable<Cell[]>): number[] {
  const w = header.map((h) => h.length);
  for (const row of rows) row.forEach((cell, i) => (w[i] = Math.max(w[i]!, String(cell).length)));
  return w.map((n) => Math.min(60, Math.max(8, n + 2)));
}

function addSheet(book: ExcelJS.stream.xlsx.WorkbookWriter, name: string, header: readonly string[], rows: Cell[][]) {
  const sheet = book.addWorksheet(name, { views: [{ state: 'frozen', ySplit: 1 }] });
  const w = widths(header, rows);
  sheet.columns = header.map((h, i) => ({ header: h, key: h, width: w[i] }));
  sheet.getRow(1).commit();
  for (const row of rows) {
    // Each string goes in as a plain value: exceljs writes a formula only for { formula } objects.
    sheet.addRow(row).commit();
  }
  sheet.commit();
}

/** Writes the workbook to `out` (a response or a file) and resolves when it is complete. */
export async function writeTimesheetXlsx(t: Timesheet, out: Writable): Promise<void> {
  // No cell styles: exceljs styles every cell one by one, which made a month for 500 people 3-4× slower.
  // Loaded on the first export, not at start: exceljs alone is about 28 MB of an idle receiver.
  const { default: Excel } = await import('exceljs');
  const book = new Excel.stream.xlsx.WorkbookWriter({ stream: out, useStyles: false, useSharedStrings: false });
  book.creator = 'zkteco-erp-link';
  const dayRows = t.employees.flatMap((e) => e.days.map((d) => dayRow(e, d)));
  addSheet(book, 'Timesheet', TIMESHEET_COLUMNS, dayRows);
  addSheet(book, 'Totals', TOTALS_COLUMNS, t.employees.map(totalsRow));
  await book.commit();
}
