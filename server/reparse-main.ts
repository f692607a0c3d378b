// `npm run reparse -- [--sn SN] [--from T] [--to T]`: journal replay from the command line (README,
// "Journal replay"). With the embedded database, stop the receiver first: one process per DATA_DIR (locked).
import 'dotenv/config';
import { parseArgs } from 'node:util';
import { systemClock } from './clock.ts';
import { ConfigError, readConfig } from './config.ts';
import { lockEmbeddedDataDir } from './db/data-dir.ts';
import { openDatabase } from './db/open.ts';
import { CommandQueue } from './devices/commands.ts';
import { DeviceRegistry } from './devices/registry.ts';
import { UploadApplier } from './ingest/apply.ts';
import { IngestBus } from './ingest/events.ts';
import { reparseRangeSchema, reparseUploads } from './ingest/reparse.ts';
import { createLogger } from './log.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { sn: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' } }, strict: true });
  const parsed = reparseRangeSchema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`--${String(issue.path[0] ?? 'args')}: ${issue.message}`);
  }
  const config = readConfig(process.env);
  const log = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  // Refused, naming the receiver's pid, while a receiver runs on the same embedded database.
  lockEmbeddedDataDir(config, 'reparse');
  const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    const db = database.prisma;
    const bus = new IngestBus();
    const applier = new UploadApplier({ db, bus, registry: new DeviceRegistry(db, config, bus, { live: false }, log), commands: new CommandQueue(db, systemClock), clock: systemClock, log });
    const report = await reparseUploads({ db, applier }, parsed.data);
    console.log(`Re-applied ${report.uploads} journaled upload(s): ${report.punches_added} punch(es) added, ${report.lines_rejected} line(s) still rejected.`);
    console.log(JSON.stringify(report));
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`reparse failed: ${err instanceof ConfigError || err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
