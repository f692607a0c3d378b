-- The batched write of contact times (UPDATE devices SET last_seen_at = ... for every clock heard) fired
-- both row triggers on each row: on the embedded database, 5,000 clocks held the receiver's thread ~0.6 s
-- longer every flush. The triggers now fire only for an UPDATE that names another column.
-- EVERY column of devices but last_seen_at and updated_at is listed here: a new column must be added to
-- both lists (test/db/change-triggers.test.ts fails until it is).
DROP TRIGGER devices_stamp_change ON devices;
DROP TRIGGER devices_notify_change ON devices;

CREATE TRIGGER devices_stamp_change BEFORE UPDATE OF sn, name, timezone, state, firmware, push_version, language,
    device_type, ip_address, stamps, info, last_handshake_at, drift_seconds, relay_name, known_address,
    address_changed_at, previous_address, clock_offset_minutes, clock_offset_at, created_at ON devices
  FOR EACH ROW EXECUTE FUNCTION zk_device_stamp_change();

CREATE TRIGGER devices_notify_change AFTER INSERT OR DELETE OR UPDATE OF sn, name, timezone, state, firmware,
    push_version, language, device_type, ip_address, stamps, info, last_handshake_at, drift_seconds, relay_name,
    known_address, address_changed_at, previous_address, clock_offset_minutes, clock_offset_at, created_at ON devices
  FOR EACH ROW EXECUTE FUNCTION zk_notify_device_change();
