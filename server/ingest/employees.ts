// Names and cards learned from a clock's USER records. The latest change wins: a USER line that arrives
// while an ERP change for that PIN is still on its way to the clock is older than that change.
import { EmployeeSync } from '../devices/employee-sync.ts';
import type { DeviceUser } from '../protocol/operlog.ts';
import type { IngestDeps } from './apply.ts';

type Deps = Pick<IngestDeps, 'db' | 'bus' | 'log' | 'commands' | 'clock'>;

const sameRecord = (a: { name: string; card: string; privilege: number }, b: DeviceUser) =>
  a.name === b.name && a.card === b.card && a.privilege === b.privilege;

export async function storeDeviceUsers(deps: Deps, sn: string, users: readonly DeviceUser[]): Promise<void> {
  if (users.length === 0) return;
  const sync = new EmployeeSync(deps);
  const now = deps.clock.now();
  const changed: DeviceUser[] = [];
  const known = new Map((await deps.db.employee.findMany({ where: { pin: { in: users.map((u) => u.pin) } } })).map((e) => [e.pin, e]));
  const otherClocks = await sync.approvedClocks(sn);
  for (const user of users) {
    const existing = known.get(user.pin);
    if (existing && !existing.deletedAt && sameRecord(existing, user)) continue;
    if (existing && (await sync.changeInFlight(sn, user.pin))) {
      deps.log.warn({ sn, pin: user.pin, conflict: 'erp_newer' }, 'clock sent a user record older than an ERP change still on its way; kept the ERP version');
      continue;
    }
    if (existing?.deletedAt) deps.log.warn({ sn, pin: user.pin, conflict: 'clock_newer' }, 'clock re-enrolled an employee deleted in the ERP; restored');
    else if (existing && existing.source !== 'device') {
      deps.log.info({ sn, pin: user.pin, conflict: 'clock_newer' }, 'clock changed an employee last edited in the ERP; the clock change is newer and wins');
    }
    const data = { name: user.name, card: user.card, privilege: user.privilege, source: 'device', deletedAt: null, updatedAt: now };
    await deps.db.employee.upsert({ where: { pin: user.pin }, create: { pin: user.pin, ...data }, update: data });
    changed.push(user);
  }
  // The other clocks learn the changes; the clock they came from already has them.
  await sync.sendUpdates(changed, otherClocks);
  deps.log.info({ sn, users: users.length, changed: changed.length }, 'employees updated from the clock');
  if (changed.length > 0) deps.bus.emit('employees', { pins: changed.map((u) => u.pin) });
}
