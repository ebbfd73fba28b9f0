-- The inbound path in one round trip.
--
-- Recording a customer message touches four rows (the message, the conversation, the event and
-- its webhook deliveries) and each step needs the one before it (the conversation's id, whether
-- the message was a redelivery). Run from the application that was BEGIN, four statements and
-- COMMIT: six round trips on the path every reply waits for. These two functions do the same
-- work inside the server, in the implicit transaction of one call.

-- Records an event and queues its webhook deliveries; wakes the delivery worker when any were
-- queued. The stream id and the realtime notification come at commit (migration 0006).
CREATE FUNCTION papo_publish_event(p_tenant uuid, p_type text, p_payload jsonb) RETURNS uuid
LANGUAGE sql
SET search_path FROM CURRENT
AS $$
  WITH event AS (
    INSERT INTO events (tenant_id, type, payload)
    VALUES (p_tenant, p_type, p_payload)
    RETURNING uid, created_at
  ), queued AS (
    INSERT INTO webhook_deliveries (tenant_id, subscription_id, event_id, event_type, payload, event_created_at)
    SELECT s.tenant_id, s.id, e.uid, p_type, p_payload, e.created_at
    FROM webhook_subscriptions s CROSS JOIN event e
    WHERE s.tenant_id = p_tenant AND s.active
      AND (cardinality(s.event_types) = 0 OR p_type = ANY(s.event_types))
    ON CONFLICT ON CONSTRAINT webhook_deliveries_event_key DO NOTHING
    RETURNING 1
  ), woken AS (
    SELECT CASE WHEN EXISTS (SELECT 1 FROM queued) THEN pg_notify('papo_webhooks', '') END AS notified
  )
  SELECT e.uid FROM event e, woken
$$;

-- Stores a customer message and schedules its answer. A redelivered provider id changes
-- nothing and returns no ids. Otherwise an expired conversation with the customer is closed,
-- the open one found or started, the message stored in it, and when the bot answers it the
-- turn moves to now + debounce and the workers are woken. `p_event` is the message.received
-- payload without the ids, which are added here.
--
-- The redelivery check comes first so that the message row is written once, already linked to
-- its conversation. Two deliveries of one id racing each other both pass it; the second then
-- fails on the dedupe key and raises PP001, which rolls its whole call back (its conversation
-- update included) and which the application reads as "seen before".
CREATE FUNCTION papo_record_inbound(
  p_tenant uuid, p_session uuid, p_provider text, p_provider_message_id text, p_customer text,
  p_type text, p_content jsonb, p_reply_to text, p_received_at timestamptz, p_customer_name text,
  p_debounce_seconds double precision, p_event jsonb,
  OUT out_message_id uuid, OUT out_conversation_id uuid, OUT out_state text, OUT out_pending_turn_at timestamptz)
LANGUAGE plpgsql
SET search_path FROM CURRENT
AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM messages
             WHERE tenant_id = p_tenant AND provider = p_provider AND provider_message_id = p_provider_message_id) THEN
    RETURN;
  END IF;

  -- Closed first, so the upsert below starts a fresh conversation.
  UPDATE ai_conversations SET state = 'closed', pending_turn_at = NULL
  WHERE tenant_id = p_tenant AND session_id = p_session AND customer_number = p_customer
    AND state <> 'closed' AND expires_at IS NOT NULL AND expires_at <= now();

  INSERT INTO ai_conversations AS c (tenant_id, session_id, customer_number, customer_name, last_message_at,
                                     pending_turn_at)
  VALUES (p_tenant, p_session, p_customer, p_customer_name, now(),
          now() + make_interval(secs => p_debounce_seconds))
  ON CONFLICT (tenant_id, session_id, customer_number) WHERE state <> 'closed' DO UPDATE SET
    last_message_at = now(),
    customer_name = COALESCE(EXCLUDED.customer_name, c.customer_name),
    pending_turn_at = CASE WHEN c.state = 'bot' THEN EXCLUDED.pending_turn_at ELSE c.pending_turn_at END
  RETURNING c.id, c.state, c.pending_turn_at INTO out_conversation_id, out_state, out_pending_turn_at;

  INSERT INTO messages (tenant_id, session_id, conversation_id, direction, provider, provider_message_id,
                        customer_number, type, content, status, author, reply_to_message_id, received_at)
  VALUES (p_tenant, p_session, out_conversation_id, 'inbound', p_provider, p_provider_message_id,
          p_customer, p_type, p_content, 'received', 'customer', p_reply_to, p_received_at)
  ON CONFLICT ON CONSTRAINT messages_dedupe_key DO NOTHING
  RETURNING id INTO out_message_id;
  IF out_message_id IS NULL THEN
    RAISE EXCEPTION 'message % was stored by a concurrent delivery', p_provider_message_id
      USING ERRCODE = 'PP001';
  END IF;

  IF out_state = 'bot' THEN
    PERFORM pg_notify('papo_turns', out_conversation_id::text);
  END IF;

  PERFORM papo_publish_event(p_tenant, 'message.received', p_event || jsonb_build_object(
    'message_id', out_message_id, 'conversation_id', out_conversation_id, 'conversation_state', out_state));
END
$$;
