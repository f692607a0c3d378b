// Managing staff accounts: create, change role or password, remove. There is always one admin left, and
// an account whose password or role changes, or that is removed, loses its open sessions at once.
import { z } from 'zod';
import type { StaffUser } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';
import { AppError } from '../http/errors.ts';
import type { Role } from './principal.ts';
import type { SessionStore } from './sessions.ts';
import { checkStaffPassword, hashPassword } from './staff.ts';

/** bcrypt reads at most 72 bytes: a longer password would share its hash with its first 72 bytes. */
export const passwordSchema = z
  .string()
  .min(10, 'must be at least 10 characters')
  .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'must be at most 72 bytes');

export const staffCreateSchema = z
  .object({
    username: z.string().trim().min(1).max(64).regex(/^[\p{L}\p{N}._@-]+$/u, 'letters, digits and . _ @ - only'),
    password: passwordSchema,
    role: z.enum(['staff', 'admin']).default('staff'),
  })
  .strict();

export const staffPatchSchema = z.object({ password: passwordSchema.optional(), role: z.enum(['staff', 'admin']).optional() }).strict();

export function staffJson(user: StaffUser) {
  return { username: user.username, role: user.role, created_at: user.createdAt.toISOString() };
}

const notFound = (username: string) => new AppError(404, 'not_found', `No staff account ${username}`);
const lastAdmin = () => new AppError(409, 'last_admin', 'This is the last admin account: make another admin first');

export class StaffAccounts {
  constructor(
    private readonly db: Db,
    private readonly sessions: SessionStore,
  ) {}

  list(): Promise<StaffUser[]> {
    return this.db.staffUser.findMany({ orderBy: { username: 'asc' } });
  }

  async create(input: z.infer<typeof staffCreateSchema>): Promise<StaffUser> {
    const passwordHash = await hashPassword(input.password);
    try {
      return await this.db.staffUser.create({ data: { username: input.username, passwordHash, role: input.role } });
    } catch (err) {
      if ((err as { code?: string }).code === 'P2002') throw new AppError(409, 'conflict', `Staff account ${input.username} already exists`);
      throw err;
    }
  }

  async update(username: string, patch: z.infer<typeof staffPatchSchema>): Promise<StaffUser> {
    const passwordHash = patch.password ? await hashPassword(patch.password) : undefined;
    const user = await this.guardAdmins(username, patch.role === 'staff', (tx) =>
      tx.staffUser.update({ where: { username }, data: { ...(patch.role ? { role: patch.role } : {}), ...(passwordHash ? { passwordHash } : {}) } }),
    );
    // Sessions carry the role they started with: a new role or password means signing in again.
    if (passwordHash || patch.role) await this.sessions.endAllOf(username);
    return user;
  }

  async remove(username: string): Promise<void> {
    await this.guardAdmins(username, true, (tx) => tx.staffUser.delete({ where: { username } }));
    await this.sessions.endAllOf(username);
  }

  /** A user's own change: the current password must match; their other sessions end, `keep` stays. */
  async changeOwnPassword(username: string, current: string, next: string, keep?: string): Promise<void> {
    if (!(await checkStaffPassword(this.db, username, current))) throw new AppError(400, 'wrong_password', 'The current password is wrong');
    const passwordHash = await hashPassword(next);
    await this.db.staffUser.update({ where: { username }, data: { passwordHash } });
    await this.sessions.endAllOf(username, keep);
  }

  /**
   * Runs `change` with every admin row locked, refusing it when it would leave no admin who can sign in
   * (a disabled one does not count; two admins demoting each other at once cannot both succeed).
   */
  private guardAdmins<T>(username: string, losesAdmin: boolean, change: (tx: Db) => Promise<T>): Promise<T> {
    return this.db.$transaction(async (tx) => {
      await tx.$queryRaw`SELECT id FROM staff_users WHERE role = 'admin' FOR UPDATE`;
      const user = await tx.staffUser.findUnique({ where: { username } });
      if (!user) throw notFound(username);
      if (losesAdmin && user.role === 'admin' && (await tx.staffUser.count({ where: { role: 'admin', disabledAt: null } })) <= 1) throw lastAdmin();
      return change(tx as Db);
    });
  }
}

export type { Role };
