// The timesheet of a period: stored punches (voids left out, manual ones in) read once, paired per
// employee by the pure engine. Punches a little outside the period are read too, so a night that
// starts on the last day closes, and the pairing before the first day is already in step.
import type { Db } from '../db/open.ts';
import { timesheetDays } from './days.ts';
import { shiftSchema } from './shift.ts';
import type { Day, PairingMode, PairingRules, Shift, TimesheetPunch } from './rules.ts';

export interface TimesheetQuery {
  from: string;
  to: string;
  pin?: string | undefined;
  pairing: PairingMode;
}

export interface EmployeeTimesheet {
  pin: string;
  name: string;
  worked_seconds: number;
  days: Day[];
}

export interface Timesheet {
  from: string;
  to: string;
  pairing: PairingMode;
  employees: EmployeeTimesheet[];
}

export interface TimesheetDeps {
  db: Db;
  rules: PairingRules;
  /** A device's IANA zone (its own, else DEVICE_TIMEZONE). */
  zoneOf(device: { timezone: string | null }): string;
}

/** Two days each side: wider than any zone offset plus the longest session, and past a night's gap. */
const MARGIN_MS = 2 * 86_400_000;

interface PunchRow {
  id: string;
  device_sn: string;
  pin: string;
  local_time: string;
  ms: number;
  punch_type: string;
  manual: boolean;
}

export const byPin = (a: { pin: string }, b: { pin: string }) => a.pin.localeCompare(b.pin, 'en', { numeric: true });

export async function buildTimesheet(deps: TimesheetDeps, q: TimesheetQuery, now: Date): Promise<Timesheet> {
  const start = new Date(Date.parse(`${q.from}T00:00:00Z`) - MARGIN_MS);
  const end = new Date(Date.parse(`${q.to}T00:00:00Z`) + 86_400_000 + MARGIN_MS);
  const pin = q.pin ?? null;
  const [rows, devices, employees] = await Promise.all([
    deps.db.$queryRaw<PunchRow[]>`
      SELECT id::text AS id, device_sn, pin, local_time, (extract(epoch FROM instant) * 1000)::float8 AS ms, punch_type, source = 'manual' AS manual
      FROM punches
      WHERE instant >= ${start} AND instant < ${end} AND voided_at IS NULL AND (${pin}::text IS NULL OR pin = ${pin}::text)
      ORDER BY pin, instant`,
    deps.db.device.findMany({ select: { sn: true, timezone: true } }),
    deps.db.employee.findMany({ where: pin ? { pin } : {}, select: { pin: true, name: true, shift: true, deletedAt: true } }),
  ]);
  const zones = new Map(devices.map((d) => [d.sn, deps.zoneOf(d)]));
  const fallbackZone = deps.zoneOf({ timezone: null });
  const byEmployee = new Map<string, TimesheetPunch[]>();
  for (const r of rows) {
    const punch: TimesheetPunch = {
      id: r.id,
      deviceSn: r.device_sn,
      localTime: r.local_time,
      instant: Number(r.ms),
      punchType: r.punch_type as TimesheetPunch['punchType'],
      zone: zones.get(r.device_sn) ?? fallbackZone,
      manual: r.manual,
    };
    const list = byEmployee.get(r.pin);
    if (list) list.push(punch);
    else byEmployee.set(r.pin, [punch]);
  }
  const known = new Map(employees.map((e) => [e.pin, e]));
  // Everyone on the staff list (a period with no hours is worth seeing), and any PIN that punched.
  const pins = new Set([...employees.filter((e) => !e.deletedAt).map((e) => e.pin), ...byEmployee.keys()]);
  if (pin) pins.add(pin);
  const nowMs = now.getTime();
  const result = [...pins].map((p): EmployeeTimesheet => {
    const employee = known.get(p);
    const shift = employee?.shift ? (shiftSchema.safeParse(employee.shift).data ?? null) : null;
    const days = timesheetDays(byEmployee.get(p) ?? [], deps.rules, nowMs, shift as Shift | null).filter((d) => d.date >= q.from && d.date <= q.to);
    return { pin: p, name: employee?.name ?? '', worked_seconds: days.reduce((sum, d) => sum + d.worked_seconds, 0), days };
  });
  return { from: q.from, to: q.to, pairing: q.pairing, employees: result.sort(byPin) };
}
