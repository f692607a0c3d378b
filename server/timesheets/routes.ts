// GET /zkteco/api/timesheets: worked time per employee and day, as JSON, CSV or XLSX (staff may read).
import { Router } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import { AppError } from '../http/errors.ts';
import { timesheetCsv } from './csv.ts';
import { buildTimesheet, type TimesheetDeps } from './report.ts';
import { timesheetFilename } from './rows.ts';
import { writeTimesheetXlsx } from './xlsx.ts';

export const MAX_RANGE_DAYS = 366;

const date = z
  .string({ error: 'is required: a date YYYY-MM-DD' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')
  // Checks run on after a failed regex (zod 4): parse defensively.
  .refine((d) => {
    const ms = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(d);
  }, 'must be a real calendar date');

const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

const querySchema = z
  .object({
    from: date,
    to: date,
    pin: z.string().trim().regex(/^[0-9A-Za-z]{1,24}$/, 'must be 1 to 24 letters or digits').optional(),
    pairing: z.enum(['sequence', 'key']).optional(),
    format: z.enum(['json', 'csv', 'xlsx']).default('json'),
    delimiter: z.enum(['comma', 'semicolon']).default('comma'),
  })
  .refine((q) => q.from <= q.to, { message: 'must not be before from', path: ['to'] })
  .refine((q) => dayNumber(q.to) - dayNumber(q.from) + 1 <= MAX_RANGE_DAYS, { message: `the range is at most ${MAX_RANGE_DAYS} days`, path: ['to'] });

export interface TimesheetRouteDeps extends TimesheetDeps {
  auth: Authenticator;
  clock: Clock;
}

const attachment = (name: string) => `attachment; filename="${name}"`;

export function timesheetRoutes(deps: TimesheetRouteDeps): Router {
  const router = Router();

  router.get('/zkteco/api/timesheets', deps.auth.require('staff'), async (req, res) => {
    const parsed = querySchema.safeParse(req.query);
    if (!parsed.success) throw parsed.error;
    const q = parsed.data;
    const rules = { ...deps.rules, pairing: q.pairing ?? deps.rules.pairing };
    const timesheet = await buildTimesheet({ ...deps, rules }, { from: q.from, to: q.to, pin: q.pin, pairing: rules.pairing }, deps.clock.now());
    res.set('Cache-Control', 'no-store');
    if (q.format === 'json') return void res.json(timesheet);
    if (q.format === 'csv') {
      res.type('text/csv; charset=utf-8').set('Content-Disposition', attachment(timesheetFilename(q, q.pin, 'csv')));
      return void res.send(timesheetCsv(timesheet, q.delimiter));
    }
    res.type('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet').set('Content-Disposition', attachment(timesheetFilename(q, q.pin, 'xlsx')));
    try {
      await writeTimesheetXlsx(timesheet, res);
    } catch (err) {
      // Headers are gone: the client sees a cut download rather than a broken workbook.
      res.destroy(err as Error);
      throw new AppError(500, 'internal', 'could not write the workbook');
    }
  });

  return router;
}
