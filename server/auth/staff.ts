// Staff accounts: bcrypt hashes in the staff_users table; the ADMIN_USER account made at start.
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
// Native bcrypt on libuv's thread pool: a storm of sign-ins no longer holds the event loop (bcryptjs did,
// ~70 ms per attempt). Reads the $2a$/$2b$ hashes bcryptjs wrote.
import { hash, hashSync, verify } from '@node-rs/bcrypt';
import pLimit from 'p-limit';
import type { Db } from '../db/open.ts';
import type { Role } from './principal.ts';
import { readOrCreateSecret } from './secrets.ts';

/** bcrypt cost: ~70 ms per hash here, slow enough to make guessing expensive, fast enough to sign in. */
const COST = 10;

// Compared against when the username is unknown, so a wrong name takes as long as a wrong password.
const NO_SUCH_USER_HASH = hashSync('no such user', COST);

// Hashes run one core short of all: a storm of sign-ins waits its turn, the main thread keeps a core for clocks.
const hashSlot = pLimit(Math.max(1, availableParallelism() - 1));

export function hashPassword(password: string): Promise<string> {
  return hashSlot(() => hash(password, COST));
}

/** Whether the password matches the hash; a hash that is not bcrypt never matches. */
function passwordMatches(password: string, passwordHash: string): Promise<boolean> {
  return hashSlot(() => verify(password, passwordHash)).catch(() => false);
}

/** The account's name and role when the password matches and the account is enabled, else undefined. */
export async function checkStaffPassword(db: Db, username: string, password: string): Promise<{ username: string; role: Role } | undefined> {
  const user = await db.staffUser.findUnique({ where: { username } });
  const ok = await passwordMatches(password, user?.passwordHash ?? NO_SUCH_USER_HASH);
  if (!user || !ok || user.disabledAt) return undefined;
  return { username: user.username, role: user.role === 'admin' ? 'admin' : 'staff' };
}

/** Creates or updates a staff account (a new password is hashed; an unchanged one keeps its hash). */
export async function upsertStaffUser(db: Db, account: { username: string; password: string; role: Role }): Promise<'created' | 'updated' | 'unchanged'> {
  const existing = await db.staffUser.findUnique({ where: { username: account.username } });
  if (!existing) {
    await db.staffUser.create({ data: { username: account.username, passwordHash: await hashPassword(account.password), role: account.role } });
    return 'created';
  }
  const samePassword = await passwordMatches(account.password, existing.passwordHash);
  if (samePassword && existing.role === account.role && !existing.disabledAt) return 'unchanged';
  await db.staffUser.update({
    where: { username: account.username },
    data: { role: account.role, disabledAt: null, ...(samePassword ? {} : { passwordHash: await hashPassword(account.password) }) },
  });
  return 'updated';
}

export const FIRST_ADMIN = 'admin';

/** Where the first admin's generated password is kept. */
export const adminPasswordFile = (dataDir: string) => path.join(dataDir, 'admin-password');

export interface GeneratedAdmin {
  username: string;
  password: string;
  file: string;
}

/**
 * ADMIN_USER/ADMIN_PASSWORD: this admin account exists after start, with this password. Without them and
 * with no staff account at all, a first admin `admin` gets a generated password kept in
 * DATA_DIR/admin-password (returned so start-up can print it once), so a newcomer can sign in.
 */
export async function ensureAdminAccount(db: Db, admin: { user: string; password: string } | undefined, dataDir: string): Promise<GeneratedAdmin | undefined> {
  if (!admin) {
    if ((await db.staffUser.count()) > 0) return undefined;
    const file = adminPasswordFile(dataDir);
    const { value, created } = await readOrCreateSecret(file);
    await ensureAdminAccount(db, { user: FIRST_ADMIN, password: value }, dataDir);
    return created ? { username: FIRST_ADMIN, password: value, file } : undefined;
  }
  try {
    await upsertStaffUser(db, { username: admin.user, password: admin.password, role: 'admin' });
  } catch (err) {
    // Two receivers starting together on one database both create it: the loser finds it made.
    if ((err as { code?: string }).code !== 'P2002') throw err;
  }
  if (admin.user !== FIRST_ADMIN) await disableGeneratedAdmin(db, dataDir);
  return undefined;
}

/** ADMIN_USER names the administrator now: the `admin` made at first start, still on its generated password, is disabled and signed out. */
async function disableGeneratedAdmin(db: Db, dataDir: string): Promise<void> {
  const generated = await readFile(path.join(dataDir, 'admin-password'), 'utf8').then((text) => text.trim(), () => undefined);
  const account = await db.staffUser.findUnique({ where: { username: FIRST_ADMIN } });
  if (!generated || !account || account.disabledAt || !(await passwordMatches(generated, account.passwordHash))) return;
  await db.$executeRaw`UPDATE staff_users SET disabled_at = now() WHERE username = ${FIRST_ADMIN}`;
  // Its open sessions end too: a cookie taken while it was the admin must not outlive it (nobody is
  // connected yet at start, so there is no live socket to close).
  await db.$executeRaw`DELETE FROM staff_sessions WHERE subject = ${FIRST_ADMIN} AND via = 'password'`;
}
