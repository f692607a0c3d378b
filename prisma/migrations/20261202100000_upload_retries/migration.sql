-- The upload journal is a retried queue: an upload whose apply failed is applied again, with backoff,
-- until it succeeds. next_attempt_at in the future is also the lease of the process applying it.
ALTER TABLE "uploads" ADD COLUMN "attempts" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN "next_attempt_at" TIMESTAMPTZ(3),
ADD COLUMN "last_error" TEXT;

-- Uploads an earlier version left `failed` (acknowledged to the clock, never applied) are due again.
UPDATE "uploads" SET "outcome" = 'received', "last_error" = "errors"::text, "errors" = '[]' WHERE "outcome" = 'failed';

-- CreateIndex
CREATE INDEX "uploads_outcome_next_attempt_at_idx" ON "uploads"("outcome", "next_attempt_at");
