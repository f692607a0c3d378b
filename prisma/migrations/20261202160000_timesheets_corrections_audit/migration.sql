-- Timesheets: an optional shift per employee ({"start":"09:00","end":"17:00","grace_minutes":5}).
ALTER TABLE "employees" ADD COLUMN "shift" JSONB;

-- Corrections never rewrite history: a voided punch stays, marked; a manual punch says who and why.
ALTER TABLE "punches" ADD COLUMN "voided_at" TIMESTAMPTZ(3),
ADD COLUMN "voided_by" TEXT,
ADD COLUMN "void_reason" TEXT,
ADD COLUMN "added_by" TEXT,
ADD COLUMN "add_reason" TEXT;

-- Every change made by a person or a program: who, when, why, before and after.
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actor" TEXT NOT NULL,
    "actor_kind" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "entity" TEXT NOT NULL,
    "entity_id" TEXT NOT NULL,
    "reason" TEXT,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);

CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");
CREATE INDEX "audit_log_entity_at_idx" ON "audit_log"("entity", "at");
