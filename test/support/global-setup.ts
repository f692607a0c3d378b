// Vitest global setup: the database is migrated once per run (every migration in prisma/migrations);
// each test file copies it (test/support/database.ts) instead of creating and migrating its own.
import type { TestProject } from 'vitest/node';
import { createTemplate, type DatabaseTemplate } from './database.ts';
import { buildRelay } from './processes.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseTemplate: DatabaseTemplate;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Relay tests run the compiled relay, as production does (the bundle is written whole, so a later
  // rebuild by `npm run relay` never shows a test half a file).
  buildRelay();
  const { template, drop } = await createTemplate(process.env.DATABASE_URL);
  project.provide('databaseTemplate', template);
  return drop;
}
