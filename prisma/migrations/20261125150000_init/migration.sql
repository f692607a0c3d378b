-- CreateTable
CREATE TABLE "devices" (
    "sn" TEXT NOT NULL,
    "name" TEXT,
    "timezone" TEXT,
    "state" TEXT NOT NULL DEFAULT 'pending',
    "firmware" TEXT,
    "push_version" TEXT,
    "language" TEXT,
    "device_type" TEXT,
    "ip_address" TEXT,
    "stamps" JSONB NOT NULL DEFAULT '{}',
    "info" JSONB NOT NULL DEFAULT '{}',
    "last_seen_at" TIMESTAMPTZ(3),
    "last_handshake_at" TIMESTAMPTZ(3),
    "drift_seconds" INTEGER,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "devices_pkey" PRIMARY KEY ("sn")
);

-- CreateTable
CREATE TABLE "employees" (
    "pin" TEXT NOT NULL,
    "name" TEXT NOT NULL DEFAULT '',
    "card" TEXT NOT NULL DEFAULT '',
    "privilege" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT NOT NULL DEFAULT 'device',
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "employees_pkey" PRIMARY KEY ("pin")
);

-- CreateTable
CREATE TABLE "punches" (
    "id" BIGSERIAL NOT NULL,
    "device_sn" TEXT NOT NULL,
    "pin" TEXT NOT NULL,
    "local_time" TEXT NOT NULL,
    "instant" TIMESTAMPTZ(3) NOT NULL,
    "status" INTEGER,
    "punch_type" TEXT NOT NULL,
    "verify" INTEGER,
    "workcode" TEXT,
    "source" TEXT NOT NULL,
    "upload_id" BIGINT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "punches_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "uploads" (
    "id" BIGSERIAL NOT NULL,
    "sn" TEXT NOT NULL,
    "table_name" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "path" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "via" TEXT NOT NULL,
    "remote_addr" TEXT,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "outcome" TEXT NOT NULL DEFAULT 'received',
    "lines_total" INTEGER NOT NULL DEFAULT 0,
    "lines_taken" INTEGER NOT NULL DEFAULT 0,
    "errors" JSONB NOT NULL DEFAULT '[]',
    "parsed_at" TIMESTAMPTZ(3),

    CONSTRAINT "uploads_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "commands" (
    "id" SERIAL NOT NULL,
    "device_sn" TEXT NOT NULL,
    "command" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'queued',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "return_code" INTEGER,
    "result" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "commands_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "unknown_command_results" (
    "id" BIGSERIAL NOT NULL,
    "device_sn" TEXT NOT NULL,
    "command_id" TEXT NOT NULL,
    "return_code" INTEGER,
    "cmd" TEXT,
    "result" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "unknown_command_results_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "staff_users" (
    "id" SERIAL NOT NULL,
    "username" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "role" TEXT NOT NULL DEFAULT 'staff',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "staff_users_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "punches_instant_idx" ON "punches"("instant");

-- CreateIndex
CREATE INDEX "punches_pin_instant_idx" ON "punches"("pin", "instant");

-- CreateIndex
CREATE UNIQUE INDEX "punches_device_pin_time_key" ON "punches"("device_sn", "pin", "local_time");

-- CreateIndex
CREATE INDEX "uploads_sn_outcome_idx" ON "uploads"("sn", "outcome");

-- CreateIndex
CREATE INDEX "commands_device_sn_status_idx" ON "commands"("device_sn", "status");

-- CreateIndex
CREATE UNIQUE INDEX "staff_users_username_key" ON "staff_users"("username");

-- AddForeignKey
ALTER TABLE "punches" ADD CONSTRAINT "punches_device_sn_fkey" FOREIGN KEY ("device_sn") REFERENCES "devices"("sn") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "punches" ADD CONSTRAINT "punches_upload_id_fkey" FOREIGN KEY ("upload_id") REFERENCES "uploads"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "commands" ADD CONSTRAINT "commands_device_sn_fkey" FOREIGN KEY ("device_sn") REFERENCES "devices"("sn") ON DELETE RESTRICT ON UPDATE CASCADE;
