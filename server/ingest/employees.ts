// Names and cards learned from a clock's USER records. The latest change wins: a USER line that arrives
// while an ERP change for that PIN is still on its way to the clock is older than that change.
// A clock's word on privilege is never taken: anyone can pose as a clock (its serial is its only
// credential), and a `Pri=14` taken from one would make its card an admin on every clock.
import { EmployeeSync } from '../devices/employee-sync.ts';
import type { DeviceUser } from '../protocol/operlog.ts';
import type { IngestDeps } from './apply.ts';

type Deps = Pick<IngestDeps, 'db' | 'bus' | 'log' | 'commands' | 'clock'>;

const sameRecord = (a: { name: string; card: string }, b: DeviceUser) => a.name === b.name && a.card === b.card;

export async function storeDeviceUsers(deps: Deps, sn: string, users: readonly DeviceUser[]): Promise<void> {
  if (users.length === 0) return;
  const sync = new EmployeeSync(deps);
  const now = deps.clock.now();
  const changed: DeviceUser[] = [];
  const ignoredPrivileges: { pin: string; reported: number; kept: number }[] = [];
  const known = new Map((await deps.db.employee.findMany({ where: { pin: { in: users.map((u) => u.pin) } } })).map((e) => [e.pin, e]));
  const otherClocks = await sync.approvedClocks(sn);
  for (const user of users) {
    const existing = known.get(user.pin);
    // The ERP's privilege (0 for someone new) stays; only an admin in the ERP grants one.
    const privilege = existing && !existing.deletedAt ? existing.privilege : 0;
    if (user.privilege !== privilege) ignoredPrivileges.push({ pin: user.pin, reported: user.privilege, kept: privilege });
    if (existing && !existing.deletedAt && sameRecord(existing, user)) continue;
    if (existing && (await sync.changeInFlight(sn, user.pin))) {
      deps.log.warn({ sn, pin: user.pin, conflict: 'erp_newer' }, 'clock sent a user record older than an ERP change still on its way; kept the ERP version');
      continue;
    }
    if (existing?.deletedAt) deps.log.warn({ sn, pin: user.pin, conflict: 'clock_newer' }, 'clock re-enrolled an employee deleted in the ERP; restored');
    else if (existing && existing.source !== 'device') {
      deps.log.info({ sn, pin: user.pin, conflict: 'clock_newer' }, 'clock changed an employee last edited in the ERP; the clock change is newer and wins');
    }
    const data = { name: user.name, card: user.card, privilege, source: 'device', deletedAt: null, updatedAt: now };
    await deps.db.employee.upsert({ where: { pin: user.pin }, create: { pin: user.pin, ...data }, update: data });
    changed.push({ ...user, privilege });
  }
  if (ignoredPrivileges.length > 0) {
    deps.log.warn({ sn, users: ignoredPrivileges }, 'clock reported user privileges; ignored (privileges are set only in the ERP)');
  }
  // The other clocks learn the changes; the clock they came from already has them.
  await sync.sendUpdates(changed, otherClocks);
  deps.log.info({ sn, users: users.length, changed: changed.length }, 'employees updated from the clock');
  if (changed.length > 0) deps.bus.emit('employees', { pins: changed.map((u) => u.pin) });
}
