// An employee's shift as the API takes it: wall times in the clock's zone, an end before the start
// meaning the next day, and a grace period before lateness or early leave count.
import { z } from 'zod';

const wallTime = z
  .string({ error: 'must be a time "HH:MM"' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time "HH:MM" (00:00 to 23:59)');

export const shiftSchema = z
  .strictObject({
    start: wallTime,
    end: wallTime,
    grace_minutes: z.number({ error: 'must be a number of minutes' }).int('must be whole minutes').min(0, 'must not be negative').max(240, 'must be at most 240').default(0),
  }, { error: (issue) => (issue.code === 'invalid_type' ? 'must be an object {"start": "HH:MM", "end": "HH:MM", "grace_minutes": n} or null' : undefined) })
  .refine((s) => s.start !== s.end, { message: 'must differ from start (an end before the start ends the next day)', path: ['end'] });

/** `null` removes the shift. */
export const shiftField = shiftSchema.nullable();
