-- Tool exchanges of the conversation engine, and a tenant's own LLM endpoint.

-- One row per tool call a model made during a turn, with what the tool answered. The engine
-- replays them in the context window (a call and its result always together, since a model
-- rejects a result without its call) and the conversations API shows them in the transcript.
CREATE TABLE ai_tool_calls (
  id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  -- Order of the calls within a conversation.
  seq             bigint      GENERATED ALWAYS AS IDENTITY,
  tenant_id       uuid        NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  conversation_id uuid        NOT NULL,
  -- messages.seq of the newest customer message the turn answered: the exchange sits between
  -- it and the reply in the transcript.
  after_seq       bigint      NOT NULL,
  -- The model round within the turn; calls of one round were one assistant message.
  round           integer     NOT NULL CHECK (round >= 1),
  -- Text the model wrote alongside the calls of this round, usually none.
  assistant_text  text        NULL,
  call_id         text        NOT NULL CHECK (char_length(call_id) BETWEEN 1 AND 200),
  name            text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
  -- As the model wrote them; not necessarily valid JSON.
  arguments       text        NOT NULL,
  result          text        NOT NULL,
  is_error        boolean     NOT NULL DEFAULT false,
  created_at      timestamptz NOT NULL DEFAULT now(),
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES ai_conversations (tenant_id, id) ON DELETE CASCADE
);

CREATE INDEX ai_tool_calls_conversation_idx ON ai_tool_calls (tenant_id, conversation_id, after_seq, seq);

-- A tenant may bring its own OpenAI-compatible endpoint (base URL, model, dialect) in
-- llm_overrides; its key is sealed like the other secrets, with the id of the sealing key.
ALTER TABLE tenants
  ADD COLUMN llm_overrides  jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(llm_overrides) = 'object'),
  ADD COLUMN llm_api_key    bytea NULL,
  ADD COLUMN llm_api_key_id text  NULL,
  ADD CONSTRAINT tenants_llm_api_key_id CHECK ((llm_api_key IS NULL) = (llm_api_key_id IS NULL));
