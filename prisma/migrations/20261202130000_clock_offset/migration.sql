-- The UTC offset a clock shows (measured from its real-time punches) and when it was measured: the
-- handshake keeps it until someone chooses the clock's zone, and a clock whose zone differs is flagged.
ALTER TABLE "devices" ADD COLUMN "clock_offset_minutes" INTEGER;
ALTER TABLE "devices" ADD COLUMN "clock_offset_at" TIMESTAMPTZ(3);
