-- A relay that reported a serial (its RELAY_NAME), and the address a clock is known at (issue 10).
ALTER TABLE "devices" ADD COLUMN "relay_name" TEXT,
ADD COLUMN "known_address" TEXT,
ADD COLUMN "address_changed_at" TIMESTAMPTZ(3),
ADD COLUMN "previous_address" TEXT;
