-- Event ids are numbered at commit time, not at insert time.
--
-- A tenant's event stream is read "after id N" (SSE/WebSocket resume, the hub's cursor), so a
-- tenant's ids must become visible in increasing order. Before, the publishing statement took a
-- per-tenant advisory lock and held it until its transaction committed: the lock covered the
-- client's round trip to send COMMIT, and under load every writer of a busy tenant (inbound
-- messages, replies, status updates) queued behind it.
--
-- Now the row is inserted with a provisional id (never visible to anyone else), and a deferred
-- constraint trigger, which runs inside COMMIT itself, takes the tenant's lock, gives the row its
-- final id from the same sequence and sends the notification. The lock is held only from that
-- moment to the end of the commit, with no round trip to the client in between. Ids are in
-- commit order per tenant; ids are not contiguous (each event uses two sequence values).

CREATE FUNCTION papo_number_event() RETURNS trigger
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
DECLARE
  final_id bigint;
BEGIN
  -- 1346458703 is 'PAPO' in ASCII, the class of the per-tenant publish lock.
  PERFORM pg_advisory_xact_lock(1346458703, hashtext(NEW.tenant_id::text));
  final_id := nextval(pg_get_serial_sequence('events', 'id'));
  UPDATE events SET id = final_id WHERE id = NEW.id;
  PERFORM pg_notify('papo_events', json_build_object(
    'id', final_id, 'tenant_id', NEW.tenant_id::text, 'type', NEW.type)::text);
  RETURN NULL;
END
$$;

CREATE CONSTRAINT TRIGGER events_numbered_at_commit
  AFTER INSERT ON events
  DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION papo_number_event();
