-- Session lifecycle: what the sessions API shows while a number links (QR image, pairing code,
-- the name WhatsApp displays) and what the health monitor needs to reconnect with backoff and to
-- stop trying. Reconnects are scheduled in the row rather than in memory, so they survive a
-- restart and any instance can run them.
ALTER TABLE whatsapp_sessions
  ADD COLUMN display_name       text        NULL CHECK (char_length(display_name) <= 200),
  -- The QR code as the gateway rendered it (a PNG data URL); last_qr holds the raw payload.
  ADD COLUMN last_qr_image      text        NULL CHECK (char_length(last_qr_image) <= 200000),
  ADD COLUMN pairing_code       text        NULL CHECK (char_length(pairing_code) <= 32),
  -- Failed reconnects since the session was last connected; bounded by the backoff policy.
  ADD COLUMN reconnect_attempts integer     NOT NULL DEFAULT 0 CHECK (reconnect_attempts >= 0),
  ADD COLUMN next_reconnect_at  timestamptz NULL,
  ADD COLUMN last_checked_at    timestamptz NULL;

-- The monitor looks for due reconnects across tenants, before any tenant is known.
CREATE INDEX whatsapp_sessions_next_reconnect_idx
  ON whatsapp_sessions (next_reconnect_at) WHERE next_reconnect_at IS NOT NULL;
