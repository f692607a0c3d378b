// Staff accounts: bcrypt hashes in the staff_users table; the ADMIN_USER account made at start.
import path from 'node:path';
import bcrypt from 'bcryptjs';
import type { Db } from '../db/open.ts';
import type { Role } from './principal.ts';
import { readOrCreateSecret } from './secrets.ts';

/** bcrypt cost: ~70 ms per hash here, slow enough to make guessing expensive, fast enough to sign in. */
const COST = 10;

// Compared against when the username is unknown, so a wrong name takes as long as a wrong password.
const NO_SUCH_USER_HASH = bcrypt.hashSync('no such user', COST);

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

/** The account's name and role when the password matches, else undefined. */
export async function checkStaffPassword(db: Db, username: string, password: string): Promise<{ username: string; role: Role } | undefined> {
  const user = await db.staffUser.findUnique({ where: { username } });
  const ok = await bcrypt.compare(password, user?.passwordHash ?? NO_SUCH_USER_HASH);
  if (!user || !ok) return undefined;
  return { username: user.username, role: user.role === 'admin' ? 'admin' : 'staff' };
}

/** Creates or updates a staff account (a new password is hashed; an unchanged one keeps its hash). */
export async function upsertStaffUser(db: Db, account: { username: string; password: string; role: Role }): Promise<'created' | 'updated' | 'unchanged'> {
  const existing = await db.staffUser.findUnique({ where: { username: account.username } });
  if (!existing) {
    await db.staffUser.create({ data: { username: account.username, passwordHash: await hashPassword(account.password), role: account.role } });
    return 'created';
  }
  const samePassword = await bcrypt.compare(account.password, existing.passwordHash);
  if (samePassword && existing.role === account.role) return 'unchanged';
  await db.staffUser.update({
    where: { username: account.username },
    data: { role: account.role, ...(samePassword ? {} : { passwordHash: await hashPassword(account.password) }) },
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
  return undefined;
}
