// Settings from the environment, shared by the receiver's and the relay's config: zod-validated, and a
// wrong one becomes one line naming it. No dependency on either program, so the relay may import it.
import { z } from 'zod';

export class ConfigError extends Error {}

/** A TCP port, 0 (any free one) to 65535. */
export const portSetting = (fallback: number) =>
  z
    .string()
    .trim()
    .default(String(fallback))
    .refine((value) => /^\d{1,5}$/.test(value) && Number(value) <= 65535, 'must be a port number (0 to 65535)')
    .transform(Number);

/** A comma-separated list; a semicolon (what spreadsheets and some locales use) is refused with the fix. */
export const commaList = (example: string) =>
  z
    .string()
    .optional()
    .refine((value) => !value?.includes(';'), `must be separated by commas, not semicolons (e.g. ${example})`)
    .transform((value) => (value ?? '').split(',').map((item) => item.trim()).filter(Boolean));

/** The parsed settings, or a ConfigError "Invalid setting NAME: reason" for the first wrong one. */
export function parseSettings<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid setting ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  }
  return parsed.data;
}
