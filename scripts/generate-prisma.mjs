// Generates the Prisma client at install time. Prisma's CLI wants to download a schema engine that
// `generate` never runs; pointing it at a no-op binary keeps `npm install` offline-safe (see README).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY && process.platform !== 'win32' && existsSync('/bin/false')) {
  env.PRISMA_SCHEMA_ENGINE_BINARY = '/bin/false';
}
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = 'node_modules/prisma/build/index.js';
// The relay installed alone (`npm install --workspace relay` on a shop PC) has no receiver, so no Prisma.
if (!existsSync(cli)) {
  console.log('Prisma is not installed (relay-only install): no database client to generate.');
  process.exit(0);
}
const result = spawnSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
process.exit(result.status ?? 1);
