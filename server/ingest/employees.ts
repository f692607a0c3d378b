// Names and cards learned from a clock's USER records.
import type { DeviceUser } from '../protocol/operlog.ts';
import type { IngestDeps } from './process.ts';

export async function storeDeviceUsers(deps: Pick<IngestDeps, 'db' | 'bus' | 'log'>, sn: string, users: readonly DeviceUser[]): Promise<void> {
  if (users.length === 0) return;
  for (const user of users) {
    const data = { name: user.name, card: user.card, privilege: user.privilege };
    await deps.db.employee.upsert({
      where: { pin: user.pin },
      create: { pin: user.pin, ...data, source: 'device' },
      update: data,
    });
  }
  deps.log.info({ sn, users: users.length }, 'employees updated from the clock');
  deps.bus.emit('employees', { pins: users.map((u) => u.pin) });
}
