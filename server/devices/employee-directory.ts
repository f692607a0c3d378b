// Employees edited in the ERP (API, CSV import). Every change is stored, then queued for the clocks.
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { Prisma, type Employee } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import type { IngestBus } from '../ingest/events.ts';
import { csvDelimiter, importColumns, parseCsv } from './employee-csv.ts';
import { importRowSchema, type EmployeePatch, type NewEmployee } from './employee-fields.ts';
import type { EmployeeSync } from './employee-sync.ts';

export class EmployeeExists extends Error {}
export class EmployeeNotFound extends Error {}
export class ImportHeaderInvalid extends Error {}

export interface ImportReport {
  created: number;
  updated: number;
  unchanged: number;
  errors: { line: number; reason: string }[];
}

export interface DirectoryDeps {
  db: Db;
  bus: IngestBus;
  employees: EmployeeSync;
  clock: Clock;
  log: Logger;
}

export class EmployeeDirectory {
  constructor(private readonly deps: DirectoryDeps) {}

  list(): Promise<Employee[]> {
    return this.deps.db.employee.findMany({ where: { deletedAt: null }, orderBy: { pin: 'asc' } });
  }

  async get(pin: string): Promise<Employee> {
    const employee = await this.deps.db.employee.findUnique({ where: { pin } });
    if (!employee || employee.deletedAt) throw new EmployeeNotFound(`Unknown employee ${pin}`);
    return employee;
  }

  /** A PIN deleted earlier may be created again. */
  async create(input: NewEmployee, source: 'erp' | 'import' = 'erp'): Promise<Employee> {
    const existing = await this.deps.db.employee.findUnique({ where: { pin: input.pin } });
    if (existing && !existing.deletedAt) throw new EmployeeExists(`Employee ${input.pin} already exists`);
    const data = { ...input, source, deletedAt: null, updatedAt: this.deps.clock.now() };
    const employee = await this.deps.db.employee.upsert({ where: { pin: input.pin }, create: data, update: data });
    await this.changed(employee);
    return employee;
  }

  async update(pin: string, patch: EmployeePatch, source: 'erp' | 'import' = 'erp'): Promise<{ employee: Employee; changed: boolean }> {
    let existing = await this.get(pin);
    const shiftChanged = patch.shift !== undefined && JSON.stringify(patch.shift) !== JSON.stringify(existing.shift);
    if (shiftChanged) {
      // The shift lives in the ERP only: no clock needs to hear of it.
      existing = await this.deps.db.employee.update({ where: { pin }, data: { shift: patch.shift ?? Prisma.DbNull } });
    }
    const next = { name: patch.name ?? existing.name, card: patch.card ?? existing.card, privilege: patch.privilege ?? existing.privilege };
    if (next.name === existing.name && next.card === existing.card && next.privilege === existing.privilege) {
      return { employee: existing, changed: shiftChanged };
    }
    if (existing.source === 'device') this.deps.log.info({ pin, conflict: 'erp_newer' }, 'ERP changed an employee last set on a clock; the ERP change is newer and wins');
    const employee = await this.deps.db.employee.update({ where: { pin }, data: { ...next, source, updatedAt: this.deps.clock.now() } });
    await this.changed(employee);
    return { employee, changed: true };
  }

  async remove(pin: string): Promise<void> {
    await this.get(pin);
    const now = this.deps.clock.now();
    await this.deps.db.employee.update({ where: { pin }, data: { deletedAt: now, updatedAt: now, source: 'erp' } });
    const clocks = await this.deps.employees.sendDelete(pin);
    this.deps.log.info({ pin, clocks }, 'employee deleted; removal queued for the clocks');
    this.deps.bus.emit('employees', { pins: [pin] });
  }

  /** `pin,name,card` with a header; each bad line is reported, the good ones are applied. */
  async importCsv(text: string): Promise<ImportReport> {
    const delimiter = csvDelimiter(text);
    const [header, ...records] = parseCsv(text, delimiter);
    if (!header) throw new ImportHeaderInvalid('header: the file is empty; line 1 must be pin,name,card');
    const columns = importColumns(header.fields);
    if (typeof columns === 'string') throw new ImportHeaderInvalid(`header: line 1 must name the columns pin,name,card (no "${columns}" column)`);
    const report: ImportReport = { created: 0, updated: 0, unchanged: 0, errors: [] };
    const seen = new Map<string, number>();
    for (const { line, fields } of records) {
      if (fields.length > header.fields.length) {
        report.errors.push({ line, reason: `has ${fields.length} fields, the header has ${header.fields.length} (quote a name that holds a ${delimiter === ';' ? 'semicolon' : 'comma'})` });
        continue;
      }
      const cell = (at: number) => (at >= 0 ? (fields[at] ?? '') : '');
      const row = importRowSchema.safeParse({ pin: cell(columns.pin), name: cell(columns.name), card: cell(columns.card) });
      if (!row.success) {
        const issue = row.error.issues[0]!;
        report.errors.push({ line, reason: `${String(issue.path[0])} ${issue.message}` });
        continue;
      }
      const { pin, name, card } = row.data;
      if (seen.has(pin)) {
        report.errors.push({ line, reason: `pin ${pin} is already on line ${seen.get(pin)}` });
        continue;
      }
      seen.set(pin, line);
      const existing = await this.deps.db.employee.findUnique({ where: { pin } });
      if (!existing || existing.deletedAt) {
        await this.create({ pin, name, card, privilege: 0 }, 'import');
        report.created++;
      } else if ((await this.update(pin, { name, card }, 'import')).changed) report.updated++;
      else report.unchanged++;
    }
    this.deps.log.info({ created: report.created, updated: report.updated, errors: report.errors.length }, 'employee import');
    return report;
  }

  private async changed(employee: Employee): Promise<void> {
    const clocks = await this.deps.employees.sendUpdate(employee);
    this.deps.log.info({ pin: employee.pin, clocks }, 'employee saved; update queued for the clocks');
    this.deps.bus.emit('employees', { pins: [employee.pin] });
  }
}
