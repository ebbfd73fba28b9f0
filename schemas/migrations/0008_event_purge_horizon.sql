-- How far each tenant's events have been purged, so that a client resuming from an id older
-- than that is told it missed events (and should re-read state through the API) instead of
-- silently receiving an incomplete stream.
CREATE TABLE event_purges (
  tenant_id      uuid        PRIMARY KEY REFERENCES tenants (id) ON DELETE CASCADE,
  -- The newest purged event id of the tenant: every event it had up to here may be gone.
  purged_through bigint      NOT NULL,
  purged_at      timestamptz NOT NULL DEFAULT now()
);
