-- Receivers cache device rows and which clocks have commands waiting (issue 14): every change is told to
-- every receiver on this database through NOTIFY, whoever makes it (another receiver, a script, psql).
-- A write of last_seen_at alone (the batched contact times) tells nobody: each receiver keeps its own.
-- Every change but a contact time gets a new updated_at, later than the one before: the payload
-- "<sn> <updated_at in ms>" lets a receiver tell a change it already holds (its own write) from a newer one.
CREATE FUNCTION zk_device_stamp_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF (to_jsonb(NEW) - 'last_seen_at' - 'updated_at') IS DISTINCT FROM (to_jsonb(OLD) - 'last_seen_at' - 'updated_at') THEN
    NEW.updated_at := GREATEST(clock_timestamp(), OLD.updated_at + interval '1 millisecond');
  ELSE
    NEW.updated_at := OLD.updated_at;
  END IF;
  RETURN NEW;
END $$;

CREATE TRIGGER devices_stamp_change BEFORE UPDATE ON devices
  FOR EACH ROW EXECUTE FUNCTION zk_device_stamp_change();

CREATE FUNCTION zk_notify_device_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('zk_device_changed', OLD.sn || ' deleted');
  ELSIF TG_OP = 'INSERT' OR NEW.updated_at IS DISTINCT FROM OLD.updated_at THEN
    PERFORM pg_notify('zk_device_changed', NEW.sn || ' ' || floor(extract(epoch FROM NEW.updated_at) * 1000)::bigint);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER devices_notify_change AFTER INSERT OR UPDATE OR DELETE ON devices
  FOR EACH ROW EXECUTE FUNCTION zk_notify_device_change();

-- A command queued (or put back in the queue) for a clock: the receivers that answer it poll for it.
CREATE FUNCTION zk_notify_command_queued() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.status IN ('queued', 'sent') AND (TG_OP = 'INSERT' OR OLD.status NOT IN ('queued', 'sent')) THEN
    PERFORM pg_notify('zk_command_queued', NEW.device_sn);
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER commands_notify_queued AFTER INSERT OR UPDATE OF status ON commands
  FOR EACH ROW EXECUTE FUNCTION zk_notify_command_queued();

-- TRUNCATE fires no row trigger: every receiver forgets all it holds ("*").
CREATE FUNCTION zk_notify_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify(TG_ARGV[0], '*');
  RETURN NULL;
END $$;

CREATE TRIGGER devices_notify_truncate AFTER TRUNCATE ON devices
  FOR EACH STATEMENT EXECUTE FUNCTION zk_notify_truncate('zk_device_changed');
CREATE TRIGGER commands_notify_truncate AFTER TRUNCATE ON commands
  FOR EACH STATEMENT EXECUTE FUNCTION zk_notify_truncate('zk_command_queued');
