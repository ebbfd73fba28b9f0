-- The secret other systems use to sign calls to the generic inbound webhooks
-- (/webhooks/incoming-message, /webhooks/status-update, /webhooks/supabase). Encrypted, not
-- hashed: verifying an HMAC needs the secret itself. The key id names the encryption key, so
-- keys can rotate while older rows stay readable.
ALTER TABLE tenants
  ADD COLUMN inbound_secret        bytea NULL,
  ADD COLUMN inbound_secret_key_id text  NULL,
  ADD CONSTRAINT tenants_inbound_secret_key_id
    CHECK ((inbound_secret IS NULL) = (inbound_secret_key_id IS NULL));
