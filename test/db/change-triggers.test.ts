// The device change triggers (migrations 20261203100000, 20261203101000) list the columns whose change
// is announced: every column of devices but the batched contact time (last_seen_at) and updated_at.
// A column added later and not listed would change without any receiver hearing of it.
import { inject, it, expect } from 'vitest';
import { freshDatabase } from '../support/database.ts';

it('the device change triggers watch every column of devices but last_seen_at and updated_at', async () => {
  const db = await freshDatabase({ template: inject('databaseTemplate') });
  try {
    const rows = await db.database.withSession((s) =>
      s.query<{ trigger: string; column: string }>(`
        SELECT t.tgname AS trigger, a.attname AS column
        FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
        CROSS JOIN LATERAL unnest(t.tgattr::int2[]) AS k(attnum)
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        WHERE c.relname = 'devices' AND t.tgname IN ('devices_stamp_change', 'devices_notify_change')`),
    );
    const columns = await db.database.withSession((s) =>
      s.query<{ column: string }>(`SELECT column_name AS column FROM information_schema.columns WHERE table_name = 'devices' AND table_schema = current_schema()`),
    );
    const expected = columns.map((c) => c.column).filter((c) => c !== 'last_seen_at' && c !== 'updated_at').sort();
    for (const trigger of ['devices_stamp_change', 'devices_notify_change']) {
      expect(rows.filter((r) => r.trigger === trigger).map((r) => r.column).sort(), trigger).toEqual(expected);
    }
  } finally {
    await db.drop();
  }
});
