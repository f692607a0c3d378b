// What an employee record may hold, checked once at the edge (API body or import line).
import { z } from 'zod';
import { shiftField } from '../timesheets/shift.ts';
import { FIELD_LIMITS, nameProblem } from '../protocol/fields.ts';

export const pinField = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^[0-9A-Za-z]{1,24}$/, 'must be 1 to 24 letters or digits'));

/** Tabs and line breaks cannot travel in a command line: they become spaces. */
export const nameField = z
  .string()
  .transform((v) => v.replace(/[\t\r\n]+/g, ' ').trim())
  .pipe(
    z
      .string()
      .min(1, 'must not be empty')
      .max(FIELD_LIMITS.name, `must be at most ${FIELD_LIMITS.name} characters`)
      .refine((v) => nameProblem(v) === null, 'must not contain control characters'),
  );

/** Decimal, or `[15CD5B07]` (4 bytes hex, protocol.md §5.2); empty means no card. */
export const cardField = z
  .union([z.string(), z.number().int().nonnegative()])
  .transform((v) => String(v).trim())
  .pipe(z.string().regex(/^(\d{1,20}|\[[0-9A-Fa-f]{8}\])?$/, 'must be a card number (digits) or [8 hex digits]'));

/** 0 user, 2 enroller, 6 admin, 10 custom, 14 super-admin. */
export const privilegeField = z.number().int().refine((p) => [0, 2, 6, 10, 14].includes(p), 'must be 0, 2, 6, 10 or 14');

export const newEmployeeSchema = z.strictObject({
  pin: pinField,
  name: nameField,
  card: cardField.default(''),
  privilege: privilegeField.default(0),
});

/** One line of an import file (pin, name, card; no privilege column). */
export const importRowSchema = z.object({ pin: pinField, name: nameField, card: cardField });

export const employeePatchSchema = z.strictObject({
  name: nameField.optional(),
  card: cardField.optional(),
  privilege: privilegeField.optional(),
  /** Timesheets only (never sent to a clock); null removes it. */
  shift: shiftField.optional(),
});

export type NewEmployee = z.infer<typeof newEmployeeSchema>;
export type EmployeePatch = z.infer<typeof employeePatchSchema>;
