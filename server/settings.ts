// Settings from the environment, shared by the receiver's and the relay's config: zod-validated, and a
// wrong one becomes one line naming it. No dependency on either program, so the relay may import it.
import type { z } from 'zod';

export class ConfigError extends Error {}

/** The parsed settings, or a ConfigError "Invalid setting NAME: reason" for the first wrong one. */
export function parseSettings<T extends z.ZodType>(schema: T, env: NodeJS.ProcessEnv): z.output<T> {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid setting ${issue.path.join('.') || '(environment)'}: ${issue.message}`);
  }
  return parsed.data;
}
