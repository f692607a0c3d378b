// Remembers the last state seen of each watched thing in Postgres, so an alarm fires once per change,
// whichever receiver noticed it first, and not again after a restart.
import type { Db } from '../db/open.ts';

export interface Observation {
  kind: string;
  key: string;
  state: string;
}

/**
 * Records observations; returns those that changed a known state. A first sighting is not a change, unless
 * `alarmAtFirstSight` says that state is worth hearing of even then (a clock already in the wrong zone).
 */
export async function recordStates(db: Db, observations: readonly Observation[], at: Date, alarmAtFirstSight: (o: Observation) => boolean = () => false): Promise<Observation[]> {
  if (observations.length === 0) return [];
  const rows = await db.$queryRaw<(Observation & { inserted: boolean })[]>`
    INSERT INTO alarm_states (kind, key, state, changed_at)
    SELECT kind, key, state, ${at} FROM unnest(${observations.map((o) => o.kind)}::text[], ${observations.map((o) => o.key)}::text[],
      ${observations.map((o) => o.state)}::text[]) AS o(kind, key, state)
    ON CONFLICT (kind, key) DO UPDATE SET state = EXCLUDED.state, changed_at = EXCLUDED.changed_at
      WHERE alarm_states.state <> EXCLUDED.state
    RETURNING kind, key, state, (xmax = 0) AS inserted`;
  return rows.filter((r) => !r.inserted || alarmAtFirstSight(r)).map(({ kind, key, state }) => ({ kind, key, state }));
}
