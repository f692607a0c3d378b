-- Staff sessions kept server-side so sign-out, a password change or an account's removal ends them at
-- once. The cookie holds a random secret; only its SHA-256 is stored (a leaked table opens no session).
CREATE TABLE "staff_sessions" (
    "id" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "staff_sessions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "staff_sessions_subject_idx" ON "staff_sessions"("subject");

-- Handed-over sign-in tokens (?token=) already exchanged: kept until they expire, so each works once.
CREATE TABLE "used_handoff_tokens" (
    "jti" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "used_handoff_tokens_pkey" PRIMARY KEY ("jti")
);
