-- CreateTable: messages over 8 KB that @socket.io/postgres-adapter passes between receivers (it deletes
-- them after a few seconds). Kept here so the schema has no table Prisma does not know about.
CREATE TABLE IF NOT EXISTS "socket_io_attachments" (
    "id" BIGSERIAL NOT NULL,
    "created_at" TIMESTAMPTZ DEFAULT CURRENT_TIMESTAMP,
    "payload" BYTEA
);

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "socket_io_attachments_id_key" ON "socket_io_attachments"("id");
