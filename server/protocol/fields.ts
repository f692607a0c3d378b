// What a plausible serial, PIN, card, name and workcode are: one place, used by every parser (ATTLOG,
// RTLOG, OPERLOG USER lines) and by the API's input schemas. A value the database would refuse (NUL)
// or that could smuggle a second line into a clock command (CR, LF) never gets past here.

/** Bounds: what the clocks take (PIN ≤ 24 on current firmware, names ≤ 24) with room, and far under what a Postgres index row holds. */
export const FIELD_LIMITS = { serial: 64, pin: 64, card: 64, name: 100, workcode: 64 } as const;

export type FieldName = keyof typeof FIELD_LIMITS;

/** C0 controls (NUL, CR, LF, TAB, ...) and DEL. */
const CONTROL = /[\x00-\x1f\x7f]/;
/** Real serials are letters and digits (AEWD200560017); `_ . -` for OEM and test serials. */
const SERIAL = /^[A-Za-z0-9_.-]+$/;

const label: Record<FieldName, string> = { serial: 'serial', pin: 'PIN', card: 'card', name: 'name', workcode: 'workcode' };

function bounded(field: FieldName, value: string): string | null {
  if (CONTROL.test(value)) return `${label[field]} contains control characters`;
  if (value.length > FIELD_LIMITS[field]) return `${label[field]} longer than ${FIELD_LIMITS[field]} characters`;
  return null;
}

/** Each check answers null when the (already trimmed) value is plausible, else the reason. */
export function serialProblem(sn: string): string | null {
  if (sn === '') return 'empty serial';
  return bounded('serial', sn) ?? (SERIAL.test(sn) ? null : 'serial must be letters, digits, _ . -');
}

export function pinProblem(pin: string): string | null {
  return pin === '' ? 'empty PIN' : bounded('pin', pin);
}

/** Empty is "no card". */
export function cardProblem(card: string): string | null {
  return bounded('card', card);
}

/** Empty is "no name". */
export function nameProblem(name: string): string | null {
  return bounded('name', name);
}

export function workcodeProblem(workcode: string): string | null {
  return bounded('workcode', workcode);
}

/** One of these rules as a zod `superRefine` check, so API input follows the same rule as a clock's. */
export const fieldRule =
  (problem: (value: string) => string | null) =>
  (value: string, ctx: { addIssue(issue: { code: 'custom'; message: string }): void }) => {
    const reason = problem(value);
    if (reason) ctx.addIssue({ code: 'custom', message: reason });
  };

/** Text as it can be shown and stored in a report (JSON text cannot hold NUL): control bytes but TAB become U+FFFD. */
export function printable(text: string): string {
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '\ufffd');
}
