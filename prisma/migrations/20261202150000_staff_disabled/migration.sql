-- A staff account can be disabled without deleting it (its history stays): the generated first `admin`
-- is disabled once ADMIN_USER names the real administrator.
ALTER TABLE "staff_users" ADD COLUMN "disabled_at" TIMESTAMPTZ(3);
