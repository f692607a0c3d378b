// Admin routes for employees: list, create, edit, delete, import from CSV. Each change goes to the clocks.
import express, { Router, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { actorOf, recordAudit } from '../audit/audit-log.ts';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { Employee } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import { decodeCsv } from '../devices/employee-csv.ts';
import { EmployeeDirectory } from '../devices/employee-directory.ts';
import { employeePatchSchema, newEmployeeSchema } from '../devices/employee-fields.ts';
import type { EmployeeSync } from '../devices/employee-sync.ts';
import type { IngestBus } from '../ingest/events.ts';

export interface EmployeeRouteDeps {
  db: Db;
  bus: IngestBus;
  auth: Authenticator;
  employees: EmployeeSync;
  clock: Clock;
  log: Logger;
}

const IMPORT_PATH = '/zkteco/api/employees/import';

/** The import is text/csv: read as bytes before the API's JSON parser sees it (mounted ahead of it). */
const readCsv = express.raw({ type: () => true, limit: '5mb' });

export const employeeImportBody: RequestHandler = (req, res, next) =>
  req.method === 'POST' && req.path === IMPORT_PATH ? readCsv(req, res, next) : next();

export function employeeJson(e: Employee) {
  return { pin: e.pin, name: e.name, card: e.card, privilege: e.privilege, shift: e.shift ?? null, source: e.source, updated_at: e.updatedAt.toISOString() };
}

export function employeeRoutes(deps: EmployeeRouteDeps): Router {
  const router = Router();
  const admin = deps.auth.require('admin');
  const directory = new EmployeeDirectory({ db: deps.db, bus: deps.bus, employees: deps.employees, clock: deps.clock, log: deps.log });

  router.get('/zkteco/api/employees', admin, async (_req, res) => {
    res.json({ items: (await directory.list()).map(employeeJson) });
  });
  router.post('/zkteco/api/employees', admin, async (req, res) => {
    const employee = await directory.create(newEmployeeSchema.parse(req.body ?? {}));
    await recordAudit(deps.db, actorOf(res), { action: 'employee.create', entity: 'employee', entityId: employee.pin, after: employeeJson(employee) });
    res.status(201).json(employeeJson(employee));
  });
  router.post(IMPORT_PATH, admin, async (req, res) => {
    const text = Buffer.isBuffer(req.body) ? decodeCsv(req.body) : '';
    const report = await directory.importCsv(text);
    if (report.created + report.updated > 0) await recordAudit(deps.db, actorOf(res), { action: 'employee.import', entity: 'employee', entityId: '*', after: report });
    res.json(report);
  });
  router.get('/zkteco/api/employees/:pin', admin, async (req, res) => {
    res.json(employeeJson(await directory.get(String(req.params.pin))));
  });
  router.patch('/zkteco/api/employees/:pin', admin, async (req, res) => {
    const patch = employeePatchSchema.parse(req.body ?? {});
    const before = await directory.get(String(req.params.pin));
    const { employee, changed } = await directory.update(before.pin, patch);
    if (changed) await recordAudit(deps.db, actorOf(res), { action: 'employee.update', entity: 'employee', entityId: employee.pin, before: employeeJson(before), after: employeeJson(employee) });
    res.json(employeeJson(employee));
  });
  router.delete('/zkteco/api/employees/:pin', admin, async (req, res) => {
    const before = await directory.get(String(req.params.pin));
    await directory.remove(before.pin);
    await recordAudit(deps.db, actorOf(res), { action: 'employee.delete', entity: 'employee', entityId: before.pin, before: employeeJson(before) });
    res.status(204).end();
  });
  return router;
}
