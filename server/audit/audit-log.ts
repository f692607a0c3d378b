// The audit log: every change made by a person or a program, with who, when, why, before and after.
// Writers pass their transaction when the change and its entry must commit together.
import type { Response } from 'express';
import type { Principal } from '../auth/principal.ts';
import type { AuditEntry, Prisma } from '../db/generated/client.ts';
import type { Db } from '../db/open.ts';

export type AuditEntity = 'punch' | 'employee' | 'device' | 'command';

export interface Actor {
  subject: string;
  kind: Principal['kind'] | 'receiver';
}

/** Who made the request (set by Authenticator.require on every guarded route). */
export function actorOf(res: Response): Actor {
  const principal = res.locals.principal as Principal | undefined;
  return principal ? { subject: principal.subject, kind: principal.kind } : { subject: 'receiver', kind: 'receiver' };
}

export interface AuditRecord {
  action: string;
  entity: AuditEntity;
  entityId: string;
  reason?: string | null;
  before?: unknown;
  after?: unknown;
}

type Writer = Pick<Db, 'auditEntry'> | Prisma.TransactionClient;

/** JSON-safe copy: bigints as strings, dates as ISO strings. */
function plain(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? String(v) : v))) as Prisma.InputJsonValue;
}

export async function recordAudit(db: Writer, actor: Actor, record: AuditRecord, at?: Date): Promise<void> {
  await db.auditEntry.create({
    data: {
      ...(at ? { at } : {}),
      actor: actor.subject,
      actorKind: actor.kind,
      action: record.action,
      entity: record.entity,
      entityId: record.entityId,
      reason: record.reason ?? null,
      before: plain(record.before),
      after: plain(record.after),
    },
  });
}

export function auditJson(e: AuditEntry) {
  return {
    id: String(e.id),
    at: e.at.toISOString(),
    actor: e.actor,
    actor_kind: e.actorKind,
    action: e.action,
    entity: e.entity,
    entity_id: e.entityId,
    reason: e.reason,
    before: e.before ?? null,
    after: e.after ?? null,
  };
}
