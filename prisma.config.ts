import { defineConfig } from 'prisma/config';

// The URL is only read by Prisma's CLI; the app builds its own client from server/config.ts.
export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/zkteco' },
});
