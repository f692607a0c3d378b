// Databases for tests and the bench: migrated once per run (a template), copied for each user, as
// graphile-worker's template database. Embedded PGlite by default: the template is a dump of a
// migrated data folder, loaded by each copy. With DATABASE_URL set (CI on real Postgres): a template
// database on that server, and each copy a `CREATE DATABASE … TEMPLATE` of it, dropped afterwards.
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrate, readMigrations, type Migration } from '../../server/db/migrate.ts';
import { openDatabase, type Database } from '../../server/db/open.ts';
import { pgliteSession } from '../../server/db/sql.ts';

/** A migrated database to copy: a data-folder dump (embedded) or a database name on DATABASE_URL. */
export type DatabaseTemplate = { kind: 'embedded'; dumpFile: string } | { kind: 'postgres'; name: string };

export interface TestDatabase {
  database: Database;
  databaseUrl: string | undefined;
  /** Which database the figures come from (bench table). */
  label: string;
  /** Makes the database unreachable for the app, as an outage would (connections cut, new ones refused). */
  cutOff(): Promise<void>;
  drop(): Promise<void>;
}

export async function onServer(adminUrl: string, sql: string, params: unknown[] = []): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(sql, params);
  } finally {
    await client.end();
  }
}

function urlOf(adminUrl: string, name: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

const pgliteDist = () => path.dirname(createRequire(import.meta.url).resolve('@electric-sql/pglite'));
const pgliteVersion = (): string => JSON.parse(readFileSync(path.join(pgliteDist(), '..', 'package.json'), 'utf8')).version;

// Compiled once per test process (a worker runs several files), not once per database.
let wasmModule: Promise<WebAssembly.Module> | undefined;
const pgliteWasm = () => (wasmModule ??= readFile(path.join(pgliteDist(), 'pglite.wasm')).then((bytes) => WebAssembly.compile(bytes)));

/** Earlier templates (other migrations) go once no run can still be reading them. */
async function pruneTemplates(cacheDir: string, keep: string): Promise<void> {
  const hourAgo = Date.now() - 3_600_000;
  for (const name of await readdir(cacheDir)) {
    const file = path.join(cacheDir, name);
    if (file !== keep && (await stat(file)).mtimeMs < hourAgo) await rm(file, { force: true });
  }
}

/**
 * The dump without the folders of template0 and template1 (base/1, base/4): a test database never creates
 * another database, and they are 600 of the 1,100 files PGlite unpacks for every copy (about 0.14 s of CPU
 * each). The dump is a plain ustar archive: 512-byte headers, each entry's data padded to 512 bytes.
 */
function withoutTemplateDatabases(tar: Buffer): Buffer {
  const text = (block: Buffer, from: number, length: number) => block.subarray(from, from + length).toString('latin1').replace(/\0.*$/s, '');
  const kept: Buffer[] = [];
  let at = 0;
  while (at + 512 <= tar.length) {
    const header = tar.subarray(at, at + 512);
    if (header.every((byte) => byte === 0)) break;
    const typeFlag = text(header, 156, 1);
    if (!['0', '5', ''].includes(typeFlag) || text(header, 345, 155) !== '') return tar; // not the plain layout: kept whole
    const name = text(header, 0, 100).replace(/^\.?\//, '');
    const end = at + 512 + Math.ceil(parseInt(text(header, 124, 12).trim() || '0', 8) / 512) * 512;
    if (!/^base\/[14](\/|$)/.test(name)) kept.push(tar.subarray(at, end));
    at = end;
  }
  return Buffer.concat([...kept, Buffer.alloc(1024)]);
}

/** Embedded: a dump of a migrated data folder, kept in cacheDir under a name that changes with any
 *  migration or PGlite version, so a run (or one test file) after the first only reads it. */
async function embeddedTemplate(migrations: Migration[], cacheDir: string): Promise<string> {
  const key = createHash('sha256').update(`pglite ${pgliteVersion()}, without template databases\n`);
  for (const m of migrations) key.update(`${m.name} ${m.checksum}\n`);
  const dumpFile = path.join(cacheDir, `migrated-${key.digest('hex').slice(0, 16)}.tar`);
  if (existsSync(dumpFile)) return dumpFile;
  const lite = await PGlite.create();
  try {
    await migrate(pgliteSession(lite), migrations);
    await lite.exec('CHECKPOINT'); // copies start without replaying the migrations' WAL
    const dump = withoutTemplateDatabases(Buffer.from(await (await lite.dumpDataDir('none')).arrayBuffer()));
    await mkdir(cacheDir, { recursive: true });
    const partial = `${dumpFile}.${process.pid}.partial`; // two runs at once never read a half-written file
    await writeFile(partial, dump);
    await rename(partial, dumpFile);
    await pruneTemplates(cacheDir, dumpFile);
    return dumpFile;
  } finally {
    await lite.close();
  }
}

/** Migrates every migration in prisma/migrations once; `drop` removes the template (a Postgres one). */
export async function createTemplate(
  adminUrl: string | undefined,
  cacheDir = path.resolve('node_modules/.cache/zk-test-template'),
): Promise<{ template: DatabaseTemplate; drop(): Promise<void> }> {
  const migrations = await readMigrations();
  if (!adminUrl) return { template: { kind: 'embedded', dumpFile: await embeddedTemplate(migrations, cacheDir) }, drop: async () => {} };
  const name = `zk_template_${randomBytes(6).toString('hex')}`;
  await onServer(adminUrl, `CREATE DATABASE ${name}`);
  // openDatabase migrates; closing it leaves no session on the template, as CREATE … TEMPLATE requires.
  const database = await openDatabase({ databaseUrl: urlOf(adminUrl, name), dataDir: '' });
  await database.close();
  return {
    template: { kind: 'postgres', name },
    drop: () => onServer(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

export interface FreshOptions {
  /** From createTemplate (the tests' global setup); without it the new database is migrated itself. */
  template?: DatabaseTemplate | undefined;
  /** Real Postgres server to create the database on; default DATABASE_URL. Unset: embedded. */
  adminUrl?: string | undefined;
  /** Embedded: keep the data folder on disk, as `npm start` does (bench), instead of in memory. */
  onDisk?: boolean;
}

/**
 * The template's dump as PGlite reads it (it only asks for `arrayBuffer()`). Not a real Blob: Node's Blob
 * hands back 41 MB in 64 KB pieces it then joins, about 0.7 s of CPU for every database a test creates.
 */
async function dumpBlob(dumpFile: string): Promise<Blob> {
  const bytes = await readFile(dumpFile);
  // readFile gives a file this size a buffer of its own: handed over as it is, not copied.
  const whole = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength;
  const arrayBuffer = async () => (whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  return { type: 'application/x-tar', size: bytes.byteLength, arrayBuffer } as unknown as Blob;
}

/**
 * DATA_DIR for a receiver process, its embedded database already migrated (copied from the template), as
 * a receiver that ran before leaves it: the child skips initdb and the migrations (about 6 s of CPU).
 * Only for tests of something else than a first start; with a Postgres template (CI's second run) the
 * folder is left empty and the child creates its database itself.
 */
export async function seedDataDir(dataDir: string, template: DatabaseTemplate): Promise<void> {
  if (template.kind !== 'embedded') return;
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const lite = await PGlite.create({ dataDir: path.join(dataDir, 'pglite'), loadDataDir: await dumpBlob(template.dumpFile), pgliteWasmModule: await pgliteWasm() });
  await lite.close();
}

/** A new database of its own, migrated (copied from the template when there is one). */
export async function freshDatabase(options: FreshOptions = {}): Promise<TestDatabase> {
  const { template } = options;
  const adminUrl = 'adminUrl' in options ? options.adminUrl : process.env.DATABASE_URL;
  if (!adminUrl) {
    const loadDataDir = template?.kind === 'embedded' ? await dumpBlob(template.dumpFile) : undefined;
    const dir = options.onDisk ? await mkdtemp(path.join(os.tmpdir(), 'zk-db-')) : '';
    const pglite = { loadDataDir, pgliteWasmModule: await pgliteWasm() };
    const database = await openDatabase({ databaseUrl: undefined, dataDir: dir, inMemory: !options.onDisk, pglite });
    let closed = false;
    const close = async () => {
      if (closed) return;
      closed = true;
      await database.close();
    };
    return {
      database,
      databaseUrl: undefined,
      label: options.onDisk ? 'embedded Postgres (PGlite, on disk)' : 'embedded Postgres (PGlite, in memory)',
      cutOff: close,
      async drop() {
        await close();
        if (dir) await rm(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `zk_test_${randomBytes(6).toString('hex')}`;
  await onServer(adminUrl, `CREATE DATABASE ${name}${template?.kind === 'postgres' ? ` TEMPLATE ${template.name}` : ''}`);
  const url = urlOf(adminUrl, name);
  const database = await openDatabase({ databaseUrl: url, dataDir: '' });
  const { hostname, port } = new URL(adminUrl);
  return {
    database,
    databaseUrl: url,
    label: `Postgres at ${hostname}:${port || 5432} (DATABASE_URL)`,
    async cutOff() {
      await onServer(adminUrl, `ALTER DATABASE ${name} ALLOW_CONNECTIONS false`);
      await onServer(adminUrl, 'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    },
    async drop() {
      await database.close();
      await onServer(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    },
  };
}
