-- Realtime events and outgoing tenant webhooks.
--
-- Events get a stable uuid besides their sequence id: the sequence orders a tenant's stream
-- (SSE/WebSocket resume by it), the uuid is what a webhook receiver sees as the event id and
-- dedupes on, the same for every retry and every redelivery.
ALTER TABLE events ADD COLUMN uid uuid NOT NULL DEFAULT gen_random_uuid();

CREATE UNIQUE INDEX events_uid_idx ON events (uid);

-- Why a subscription stopped receiving (a receiver answered 410 Gone), shown in the API.
ALTER TABLE webhook_subscriptions ADD COLUMN deactivated_reason text NULL;

-- Retries are bounded in time as well as in attempts; a manual redelivery starts a new window.
ALTER TABLE webhook_deliveries
  ADD COLUMN retry_window_start timestamptz NOT NULL DEFAULT now(),
  ADD COLUMN event_created_at   timestamptz NOT NULL DEFAULT now();

-- The delivery log of a tenant, newest first, across its subscriptions.
CREATE INDEX webhook_deliveries_tenant_idx ON webhook_deliveries (tenant_id, created_at DESC, id);
