// The seed's JSON punch, validated at the edge: `{ user_id, timestamp, punch_type }` plus optional fields.
import { z } from 'zod';
import { fieldRule, pinProblem, serialProblem } from '../protocol/fields.ts';
import { EARLIEST_YEAR, normaliseLocalTime } from '../protocol/time.ts';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:?\d{2})$/;

export const MAX_BATCH = 5000;

export const punchSchema = z.strictObject({
  user_id: z.union([
    z.number().int('must be an integer').nonnegative('must not be negative').transform(String),
    z.string().trim().min(1, 'must not be empty').superRefine(fieldRule(pinProblem)),
  ], { error: 'must be a number or a string' }),
  timestamp: z.string({ error: 'must be a string' }).transform((value, ctx) => {
    const local = normaliseLocalTime(value);
    if (local) return { local, instant: undefined as Date | undefined };
    if (ISO_WITH_OFFSET.test(value.trim())) {
      const instant = new Date(value.trim());
      if (!Number.isNaN(instant.getTime()) && instant.getUTCFullYear() >= EARLIEST_YEAR) return { local: undefined as string | undefined, instant };
    }
    ctx.addIssue({ code: 'custom', message: 'must be "YYYY-MM-DD HH:MM:SS" (device-local) or ISO 8601 with an offset, from 1970 on' });
    return z.NEVER;
  }),
  // Optional when `status` is given: then typed from it exactly as a clock's punch is (protocol/attlog.ts).
  punch_type: z.enum(['in', 'out'], { error: 'must be "in" or "out"' }).optional(),
  device_sn: z.string().trim().superRefine(fieldRule(serialProblem)).optional(),
  status: z.number().int().min(-1).max(999).optional(),
  verify: z.number().int().min(0).max(999).optional(),
}).refine((punch) => punch.punch_type !== undefined || punch.status !== undefined, {
  path: ['punch_type'],
  message: 'must be "in" or "out" (or give the clock\'s status code)',
});

export type PunchInput = z.infer<typeof punchSchema>;

export const attendanceQuery = z.object({
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
  user_id: z.string().trim().min(1).superRefine(fieldRule(pinProblem)).optional(),
  device_sn: z.string().trim().min(1).superRefine(fieldRule(serialProblem)).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
  /** Void punches are left out unless asked for. */
  include_void: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false').transform((v) => v === 'true'),
});
