-- Papo initial schema.
--
-- The migrator runs this file inside one transaction with search_path already set to the
-- configured schema, so nothing here is schema-qualified and the schema is not created here.
--
-- Conventions, and why:
-- * Every tenant-owned row carries tenant_id and every lookup index leads with it: each query
--   filters by tenant, and the same column is the Citus distribution key if we ever shard.
-- * Child tables reference their parents through (tenant_id, id) pairs, not id alone, so the
--   database itself refuses a row that points at another tenant's session, agent or conversation.
--   Each parent therefore carries UNIQUE (tenant_id, id) next to its primary key.
-- * Optional parent links use ON DELETE SET NULL (column) (PostgreSQL 15+) so that only the link
--   is cleared and tenant_id stays intact.
-- * Enum-like text columns get CHECK constraints instead of PostgreSQL enums: adding a value to a
--   CHECK is a plain transactional migration, while ALTER TYPE ... ADD VALUE is not.
-- * The few indexes that do not lead with tenant_id serve work queues scanned across all tenants
--   (turn scheduler, outbox, webhook retries) or routing done before the tenant is known.

-- Keeps updated_at honest without every UPDATE statement in the code having to remember it.
CREATE FUNCTION touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

-- ---------------------------------------------------------------------------------------------
-- Tenants and API keys (shape fixed: code is written against these two tables)
-- ---------------------------------------------------------------------------------------------

CREATE TABLE tenants (
  id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- The X-Client-Id header value; the public handle, so the uuid never has to leave the server.
  client_id          text        NOT NULL UNIQUE,
  name               text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  status             text        NOT NULL DEFAULT 'active'
                                 CHECK (status IN ('active', 'suspended')),
  timezone           text        NOT NULL DEFAULT 'America/Sao_Paulo',
  default_language   text        NOT NULL DEFAULT 'pt-BR',
  preferred_provider text        NOT NULL DEFAULT 'sandbox'
                                 CHECK (preferred_provider IN ('meta', 'baileys', 'sandbox')),
  fallback_provider  text        NULL
                                 CHECK (fallback_provider IN ('meta', 'baileys', 'sandbox')),
  webhook_url        text        NULL,
  business           jsonb       NOT NULL DEFAULT '{}',
  settings           jsonb       NOT NULL DEFAULT '{}',
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now()
);

CREATE TRIGGER tenants_touch_updated_at BEFORE UPDATE ON tenants
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE api_keys (
  id           uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- NULL marks an admin key: it acts across tenants, so it cannot belong to one.
  tenant_id    uuid        NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- Only the SHA-256 of the key is stored, so a database leak does not leak usable keys;
  -- the unique index is also the lookup path for every authenticated request.
  key_hash     bytea       NOT NULL UNIQUE CHECK (octet_length(key_hash) = 32),
  prefix       text        NOT NULL,
  name         text        NOT NULL DEFAULT '',
  scopes       text[]      NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now(),
  -- Revocation keeps the row so audit entries and last_used_at stay explainable.
  revoked_at   timestamptz NULL,
  last_used_at timestamptz NULL
);

CREATE INDEX api_keys_tenant_id_idx ON api_keys (tenant_id);

-- ---------------------------------------------------------------------------------------------
-- WhatsApp sessions: one connected number each
-- ---------------------------------------------------------------------------------------------

CREATE TABLE whatsapp_sessions (
  id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id           uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name                text        NOT NULL DEFAULT 'default'
                                  CHECK (char_length(name) BETWEEN 1 AND 100),
  provider            text        NOT NULL CHECK (provider IN ('meta', 'baileys', 'sandbox')),
  -- Unknown until a Baileys session has scanned its QR, hence nullable.
  phone_number        text        NULL CHECK (char_length(phone_number) BETWEEN 1 AND 64),
  status              text        NOT NULL DEFAULT 'disconnected'
                                  CHECK (status IN ('disconnected', 'connecting', 'qr', 'connected',
                                                    'failed', 'logged_out')),
  -- AES-GCM ciphertext of the provider credentials; the key id lets keys rotate while old rows
  -- stay readable, so ciphertext without its key id would be unreadable forever.
  session_data        bytea       NULL,
  session_key_id      text        NULL,
  last_qr             text        NULL,
  last_qr_at          timestamptz NULL,
  last_error          text        NULL,
  last_seen_at        timestamptz NULL,
  health              jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(health) = 'object'),
  is_default          boolean     NOT NULL DEFAULT false,
  -- What the provider's webhooks name the number by (Meta phone_number_id, Evolution instance
  -- name): webhooks are routed to a session, and so to a tenant, by this value alone.
  external_id         text        NULL CHECK (char_length(external_id) BETWEEN 1 AND 200),
  -- SHA-256 of the per-session secret a gateway presents on its webhooks; compared, never shown.
  webhook_secret_hash bytea       NULL CHECK (octet_length(webhook_secret_hash) = 32),
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  UNIQUE (tenant_id, name),
  CONSTRAINT whatsapp_sessions_session_data_key_id
    CHECK ((session_data IS NULL) = (session_key_id IS NULL))
);

-- Sending without naming a session needs one unambiguous default per tenant.
CREATE UNIQUE INDEX whatsapp_sessions_one_default_idx
  ON whatsapp_sessions (tenant_id) WHERE is_default;

-- Webhook routing happens before the tenant is known, so this index cannot lead with tenant_id;
-- uniqueness stops two tenants from claiming the same number or gateway instance.
CREATE UNIQUE INDEX whatsapp_sessions_external_id_idx
  ON whatsapp_sessions (provider, external_id) WHERE external_id IS NOT NULL;

CREATE TRIGGER whatsapp_sessions_touch_updated_at BEFORE UPDATE ON whatsapp_sessions
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- AI agents and conversations
-- ---------------------------------------------------------------------------------------------

CREATE TABLE ai_agents (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id   uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  name        text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  -- Refers to a YAML template on disk, not a row: templates reload without a migration, and
  -- a missing template is reported by the engine rather than blocked by a foreign key.
  template_id text        NOT NULL CHECK (char_length(template_id) BETWEEN 1 AND 200),
  overrides   jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(overrides) = 'object'),
  active      boolean     NOT NULL DEFAULT true,
  is_default  boolean     NOT NULL DEFAULT false,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);

-- Routing falls back to "the" default agent; two would make the choice arbitrary.
CREATE UNIQUE INDEX ai_agents_one_default_idx ON ai_agents (tenant_id) WHERE is_default;

CREATE TRIGGER ai_agents_touch_updated_at BEFORE UPDATE ON ai_agents
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE ai_conversations (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id       uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  session_id      uuid        NOT NULL,
  -- Free text rather than strict E.164: Baileys v7 may address customers by @lid identifiers.
  customer_number text        NOT NULL CHECK (char_length(customer_number) BETWEEN 1 AND 64),
  customer_name   text        NULL,
  -- NULL means "route by the tenant's rules / default agent" on every turn.
  agent_id        uuid        NULL,
  state           text        NOT NULL DEFAULT 'bot'
                              CHECK (state IN ('bot', 'paused', 'human', 'closed')),
  summary         text        NOT NULL DEFAULT '',
  -- messages.seq of the newest message already folded into summary; seq rather than a
  -- timestamp because replies written in one transaction share the same created_at.
  summary_upto    bigint      NULL,
  memory          jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(memory) = 'object'),
  expires_at      timestamptz NULL,
  last_message_at timestamptz NOT NULL DEFAULT now(),
  -- Debounce deadline kept in the row, not in memory, so a burst survives restarts and any
  -- instance can run the turn.
  pending_turn_at timestamptz NULL,
  -- Turn lease: a crashed worker's turn becomes claimable again once locked_until passes.
  locked_by       text        NULL,
  locked_until    timestamptz NULL,
  turn_attempts   integer     NOT NULL DEFAULT 0 CHECK (turn_attempts >= 0),
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  -- A half-set lease is either never released or never expires.
  CONSTRAINT ai_conversations_lease_complete CHECK ((locked_by IS NULL) = (locked_until IS NULL)),
  FOREIGN KEY (tenant_id, session_id) REFERENCES whatsapp_sessions (tenant_id, id)
    ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, agent_id) REFERENCES ai_agents (tenant_id, id)
    ON DELETE SET NULL (agent_id)
);

-- Two open conversations with one customer would split the context and answer twice; this is
-- also the conflict target of the ingest upsert and the lookup for every inbound message.
CREATE UNIQUE INDEX ai_conversations_one_open_idx
  ON ai_conversations (tenant_id, session_id, customer_number) WHERE state <> 'closed';

-- The scheduler claims due turns across all tenants (FOR UPDATE SKIP LOCKED); the index holds
-- only conversations that are waiting, so it stays small however many conversations exist.
CREATE INDEX ai_conversations_due_turn_idx
  ON ai_conversations (pending_turn_at) WHERE pending_turn_at IS NOT NULL;

-- Inbox-style listing, newest activity first.
CREATE INDEX ai_conversations_recent_idx ON ai_conversations (tenant_id, last_message_at DESC);

-- Deleting an agent clears its assignments; without this that scans every conversation.
CREATE INDEX ai_conversations_agent_idx
  ON ai_conversations (tenant_id, agent_id) WHERE agent_id IS NOT NULL;

CREATE TRIGGER ai_conversations_touch_updated_at BEFORE UPDATE ON ai_conversations
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Messages: both directions; outbound rows are also the outbox
-- ---------------------------------------------------------------------------------------------

CREATE TABLE messages (
  id                  uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Total order for context building: created_at is the transaction start, so rows written
  -- together (a Meta batch, the parts of one split reply) tie on it.
  seq                 bigint      GENERATED ALWAYS AS IDENTITY,
  tenant_id           uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  session_id          uuid        NOT NULL,
  -- Nullable: API sends outside any conversation exist, and deleting a conversation must not
  -- delete the record of what was said.
  conversation_id     uuid        NULL,
  direction           text        NOT NULL CHECK (direction IN ('inbound', 'outbound')),
  -- The provider that carried this message, which can differ from the session's after fallback.
  provider            text        NOT NULL CHECK (provider IN ('meta', 'baileys', 'sandbox')),
  -- NULL only until an outbound message is accepted by the provider.
  provider_message_id text        NULL,
  customer_number     text        NOT NULL CHECK (char_length(customer_number) BETWEEN 1 AND 64),
  type                text        NOT NULL
                                  CHECK (type IN ('text', 'image', 'video', 'document', 'audio', 'sticker',
                                                  'location', 'contacts', 'template', 'interactive',
                                                  'reaction', 'unknown')),
  content             jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(content) = 'object'),
  status              text        NOT NULL
                                  CHECK (status IN ('queued', 'sending', 'sent', 'delivered', 'read',
                                                    'played', 'failed', 'received')),
  error_code          text        NULL,
  error_message       text        NULL,
  idempotency_key     text        NULL CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
  -- Hash of the request body: a retried request with the same key but a different body is a
  -- client bug and gets a conflict instead of silently returning the first message.
  request_hash        bytea       NULL CHECK (octet_length(request_hash) = 32),
  attempts            integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  -- For queued rows: when the sender may try (again). For sending rows: when the send lease
  -- expires, so a crashed sender's message is retried rather than stuck.
  next_attempt_at     timestamptz NULL,
  author              text        NOT NULL CHECK (author IN ('customer', 'bot', 'operator', 'api')),
  -- Set on inbound messages when a turn consumes them, in the same transaction that queues the
  -- reply: that is what makes a retried turn neither skip nor repeat a message.
  answered_at         timestamptz NULL,
  -- Provider id of the quoted message; providers quote by their own ids, not ours.
  reply_to_message_id text        NULL,
  queued_at           timestamptz NULL,
  sent_at             timestamptz NULL,
  delivered_at        timestamptz NULL,
  read_at             timestamptz NULL,
  played_at           timestamptz NULL,
  failed_at           timestamptz NULL,
  received_at         timestamptz NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  updated_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id),
  -- The dedupe key: providers deliver webhooks at least once, and a Baileys echo of our own
  -- send carries the same id, so a repeat insert must be a no-op. NULLs stay distinct, which is
  -- what lets many not-yet-sent outbound rows coexist.
  CONSTRAINT messages_dedupe_key UNIQUE (tenant_id, provider, provider_message_id),
  -- Without a provider id an inbound message could never be deduplicated.
  CONSTRAINT messages_inbound_has_provider_id
    CHECK (direction = 'outbound' OR provider_message_id IS NOT NULL),
  -- Inbound rows only ever get received (and read, when we mark them read); delivery statuses
  -- describe our own sends.
  CONSTRAINT messages_status_matches_direction
    CHECK ((direction = 'inbound' AND status IN ('received', 'read'))
      OR (direction = 'outbound' AND status <> 'received')),
  -- Customers write inbound; everything outbound is ours (bot, operator, API).
  CONSTRAINT messages_author_matches_direction CHECK ((direction = 'inbound') = (author = 'customer')),
  CONSTRAINT messages_answered_only_inbound CHECK (answered_at IS NULL OR direction = 'inbound'),
  -- A queued row without a due time is invisible to the sender and would never go out.
  CONSTRAINT messages_queued_has_due_time
    CHECK (direction = 'inbound' OR status <> 'queued' OR next_attempt_at IS NOT NULL),
  CONSTRAINT messages_request_hash_needs_key CHECK (request_hash IS NULL OR idempotency_key IS NOT NULL),
  -- Deliberately no index on (tenant_id, session_id): deleting a number is rare, while an extra
  -- index on the largest table taxes every insert. Such a delete scans messages once.
  FOREIGN KEY (tenant_id, session_id) REFERENCES whatsapp_sessions (tenant_id, id)
    ON DELETE CASCADE,
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES ai_conversations (tenant_id, id)
    ON DELETE SET NULL (conversation_id)
);

-- Retried API requests with the same Idempotency-Key return the first message.
CREATE UNIQUE INDEX messages_idempotency_idx
  ON messages (tenant_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

-- The sender polls due outbound rows across all tenants. Delivered history is the bulk of the
-- table and never in this index; 'sending' is included so expired send leases are found too.
CREATE INDEX messages_outbox_due_idx
  ON messages (next_attempt_at)
  WHERE direction = 'outbound' AND status IN ('queued', 'sending');

-- Conversation history and the context window; seq breaks created_at ties.
CREATE INDEX messages_conversation_idx ON messages (tenant_id, conversation_id, created_at, seq);

-- Tenant-wide listing and metrics by time range.
CREATE INDEX messages_recent_idx ON messages (tenant_id, created_at DESC);

-- What the next turn must answer. Rows leave the index once answered_at is set, so conversations
-- handled by humans should mark their inbound messages answered as well, or they accumulate here.
CREATE INDEX messages_unanswered_idx
  ON messages (tenant_id, conversation_id, created_at)
  WHERE direction = 'inbound' AND answered_at IS NULL;

CREATE TRIGGER messages_touch_updated_at BEFORE UPDATE ON messages
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- LLM usage
-- ---------------------------------------------------------------------------------------------

-- Append-only: one row per LLM call, kept after agents and conversations go away for billing.
CREATE TABLE ai_usage (
  id                uuid          PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id         uuid          NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id   uuid          NULL,
  agent_id          uuid          NULL,
  model             text          NOT NULL CHECK (char_length(model) BETWEEN 1 AND 200),
  prompt_tokens     integer       NOT NULL DEFAULT 0 CHECK (prompt_tokens >= 0),
  completion_tokens integer       NOT NULL DEFAULT 0 CHECK (completion_tokens >= 0),
  -- Stored as reported: some endpoints count tokens (reasoning, cached) outside the other two.
  total_tokens      integer       NOT NULL DEFAULT 0 CHECK (total_tokens >= 0),
  latency_ms        integer       NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
  cost              numeric(12,6) NOT NULL DEFAULT 0 CHECK (cost >= 0),
  status            text          NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'error')),
  error             text          NULL,
  created_at        timestamptz   NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES ai_conversations (tenant_id, id)
    ON DELETE SET NULL (conversation_id),
  FOREIGN KEY (tenant_id, agent_id) REFERENCES ai_agents (tenant_id, id)
    ON DELETE SET NULL (agent_id)
);

CREATE INDEX ai_usage_tenant_created_idx ON ai_usage (tenant_id, created_at);

-- Per-agent metrics, and deleting an agent must find its usage rows without a full scan.
CREATE INDEX ai_usage_agent_idx
  ON ai_usage (tenant_id, agent_id, created_at) WHERE agent_id IS NOT NULL;

-- ---------------------------------------------------------------------------------------------
-- Outgoing webhooks to tenants
-- ---------------------------------------------------------------------------------------------

CREATE TABLE webhook_subscriptions (
  id            uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id     uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  url           text        NOT NULL CHECK (url ~ '^https?://' AND char_length(url) <= 2048),
  -- Empty means every event type, so a new event type needs no subscription change.
  event_types   text[]      NOT NULL DEFAULT '{}' CHECK (array_position(event_types, NULL) IS NULL),
  -- Encrypted, not hashed: the signing secret must be recovered to compute each HMAC.
  secret        bytea       NOT NULL,
  secret_key_id text        NOT NULL CHECK (char_length(secret_key_id) >= 1),
  active        boolean     NOT NULL DEFAULT true,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, id)
);

CREATE INDEX webhook_subscriptions_tenant_idx ON webhook_subscriptions (tenant_id) WHERE active;

CREATE TRIGGER webhook_subscriptions_touch_updated_at BEFORE UPDATE ON webhook_subscriptions
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

CREATE TABLE webhook_deliveries (
  id               uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id        uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  subscription_id  uuid        NOT NULL,
  -- Sent to the receiver so it can drop our retries; one delivery per event per subscription.
  event_id         uuid        NOT NULL,
  event_type       text        NOT NULL CHECK (char_length(event_type) BETWEEN 1 AND 100),
  -- A copy, not a reference to events: events are purged on a shorter retention than retries.
  payload          jsonb       NOT NULL,
  status           text        NOT NULL DEFAULT 'pending'
                               CHECK (status IN ('pending', 'delivering', 'delivered', 'failed', 'dead')),
  attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_status_code integer     NULL CHECK (last_status_code BETWEEN 100 AND 599),
  last_error       text        NULL,
  delivered_at     timestamptz NULL,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  -- Makes enqueueing idempotent when the same event is published twice.
  CONSTRAINT webhook_deliveries_event_key UNIQUE (subscription_id, event_id),
  FOREIGN KEY (tenant_id, subscription_id) REFERENCES webhook_subscriptions (tenant_id, id)
    ON DELETE CASCADE
);

-- The delivery worker polls across all tenants; finished rows ('delivered', 'dead') and failed
-- rows waiting for a manual retry stay out of the index. 'delivering' doubles as a lease.
CREATE INDEX webhook_deliveries_due_idx
  ON webhook_deliveries (next_attempt_at) WHERE status IN ('pending', 'delivering');

-- Delivery log per subscription, newest first.
CREATE INDEX webhook_deliveries_subscription_idx
  ON webhook_deliveries (tenant_id, subscription_id, created_at DESC);

CREATE TRIGGER webhook_deliveries_touch_updated_at BEFORE UPDATE ON webhook_deliveries
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Realtime event log
-- ---------------------------------------------------------------------------------------------

-- Feeds SSE/WebSocket clients; a reconnecting client resumes after its Last-Event-ID. Sequence
-- values are taken at insert, not at commit, so a reader that wants no gaps should not read past
-- rows younger than its longest writer transaction.
CREATE TABLE events (
  id         bigserial   PRIMARY KEY,
  tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  type       text        NOT NULL CHECK (char_length(type) BETWEEN 1 AND 100),
  payload    jsonb       NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX events_tenant_id_idx ON events (tenant_id, id);

-- Retention purge deletes by age across all tenants.
CREATE INDEX events_created_at_idx ON events (created_at);

-- ---------------------------------------------------------------------------------------------
-- Audit log
-- ---------------------------------------------------------------------------------------------

CREATE TABLE audit_log (
  id         bigserial   PRIMARY KEY,
  -- NULL for admin actions, which are not scoped to one tenant.
  tenant_id  uuid        NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- Who acted, e.g. an API key prefix or "admin"; never the key itself.
  actor      text        NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 200),
  action     text        NOT NULL CHECK (char_length(action) BETWEEN 1 AND 100),
  target     text        NULL,
  details    jsonb       NOT NULL DEFAULT '{}',
  -- Ties an audit entry to the request's log lines.
  request_id text        NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_log_tenant_created_idx ON audit_log (tenant_id, created_at DESC);

-- ---------------------------------------------------------------------------------------------
-- Plugin key-value storage
-- ---------------------------------------------------------------------------------------------

CREATE TABLE plugin_kv (
  tenant_id  uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- "C" collation makes the primary key usable for prefix scans (key LIKE 'prefix%' and
  -- key ^@ 'prefix'); under a linguistic collation those fall back to a scan of the tenant.
  plugin     text        COLLATE "C" NOT NULL CHECK (char_length(plugin) BETWEEN 1 AND 100),
  key        text        COLLATE "C" NOT NULL CHECK (char_length(key) BETWEEN 1 AND 512),
  -- Bytes, because plugins pass arbitrary data across the C boundary; capped so that one
  -- plugin cannot fill the database.
  value      bytea       NOT NULL CHECK (octet_length(value) <= 1048576),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (tenant_id, plugin, key)
);

CREATE TRIGGER plugin_kv_touch_updated_at BEFORE UPDATE ON plugin_kv
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- ---------------------------------------------------------------------------------------------
-- Media
-- ---------------------------------------------------------------------------------------------

CREATE TABLE media (
  id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  tenant_id          uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  -- Content address: the same file uploaded twice is stored and sent to providers once.
  sha256             bytea       NOT NULL CHECK (octet_length(sha256) = 32),
  mime_type          text        NOT NULL CHECK (char_length(mime_type) BETWEEN 3 AND 255),
  size_bytes         bigint      NOT NULL CHECK (size_bytes >= 0),
  filename           text        NULL,
  storage_path       text        NOT NULL CHECK (char_length(storage_path) >= 1),
  -- Provider-side ids by provider (e.g. {"meta": "<media id>"}) so a re-send skips the upload.
  provider_media_ids jsonb       NOT NULL DEFAULT '{}'
                                 CHECK (jsonb_typeof(provider_media_ids) = 'object'),
  created_at         timestamptz NOT NULL DEFAULT now(),
  updated_at         timestamptz NOT NULL DEFAULT now(),
  UNIQUE (tenant_id, sha256)
);

CREATE TRIGGER media_touch_updated_at BEFORE UPDATE ON media
  FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
