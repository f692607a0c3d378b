-- The daily count check of each clock: what the clock says it holds for a day against what we stored.
CREATE TABLE "reconciliations" (
    "id" SERIAL NOT NULL,
    "device_sn" TEXT NOT NULL,
    "date" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "verify_command_id" INTEGER,
    "query_command_id" INTEGER,
    "device_count" INTEGER,
    "stored_count" INTEGER,
    "recovered" INTEGER NOT NULL DEFAULT 0,
    "requested_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "reconciliations_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "reconciliations_device_sn_date_key" ON "reconciliations"("device_sn", "date");
CREATE INDEX "reconciliations_status_idx" ON "reconciliations"("status");
