import Foundation
import PapoCore
import PapoEngine
import PapoPostgres
import PapoStore
import PapoTestKit
import Testing

@Suite("Conversation store: ingest, claims, leases")
struct ConversationStoreTests {
    @Test("a repeated provider id is a no-op; a burst pushes the turn deadline back")
    func dedupeAndDebounce() async throws {
        let harness = try await EngineHarness.make()
        let first = try await harness.inbound("oi", id: "wamid.1", debounce: .seconds(30))
        let again = try await harness.inbound("oi", id: "wamid.1", debounce: .seconds(30))
        let second = try await harness.inbound("tudo bem?", id: "wamid.2", debounce: .seconds(60))
        #expect(first.isNew)
        #expect(again.isNew == false)
        #expect(again.conversationID == nil)
        #expect(second.conversationID == first.conversationID)
        #expect(first.state == .bot)
        let firstDue = try #require(first.pendingTurnAt)
        let secondDue = try #require(second.pendingTurnAt)
        #expect(secondDue > firstDue)
        let count = try await harness.pool.query(
            "SELECT count(*)::int8 AS n FROM messages WHERE conversation_id = \(first.conversationID!)"
        ).first!.decode("n", as: Int.self)
        #expect(count == 2)
        // Not due for a minute: nothing to claim.
        #expect(try await harness.store.claimDue(limit: 5, worker: "w", lease: .seconds(30)).isEmpty)
    }

    @Test("simultaneous deliveries of one provider id store it once, in one conversation, with one event")
    func simultaneousRedeliveries() async throws {
        let harness = try await EngineHarness.make()
        // Separate pools, so the deliveries really run at once on different connections.
        let pools = (0..<4).map { _ in
            PostgresPool(configuration: harness.pool.configuration, logger: TestDatabase.logger)
        }
        let outcomes = try await withThrowingTaskGroup(of: [ConversationStore.InboundOutcome].self) { group in
            for pool in pools {
                group.addTask {
                    var outcomes: [ConversationStore.InboundOutcome] = []
                    for round in 0..<10 {
                        let message = MessageStore.NewInbound(
                            tenantID: harness.tenant.id, sessionID: harness.session.id,
                            provider: harness.session.provider, providerMessageID: "wamid.same-\(round)",
                            customerNumber: "5511988887777", kind: .text, content: ["body": "oi"], replyTo: nil,
                            receivedAt: Date())
                        outcomes.append(
                            try await ConversationStore(pool: pool).recordInbound(message, debounce: .seconds(30)))
                    }
                    return outcomes
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        for pool in pools { await pool.close() }
        #expect(outcomes.count == 40)
        #expect(outcomes.filter(\.isNew).count == 10, "each id is new exactly once")
        let stored = try await harness.pool.query(
            """
            SELECT count(*)::int8 AS messages, count(DISTINCT conversation_id)::int8 AS conversations
            FROM messages WHERE tenant_id = \(harness.tenant.id) AND direction = 'inbound'
            """
        ).first!
        #expect(try stored.decode("messages", as: Int.self) == 10)
        #expect(try stored.decode("conversations", as: Int.self) == 1)
        let events = try await harness.pool.query(
            "SELECT count(*)::int8 AS n FROM events WHERE tenant_id = \(harness.tenant.id) AND type = 'message.received'"
        ).first!.decode("n", as: Int.self)
        #expect(events == 10)
    }

    @Test("an expired conversation is closed and the next message starts a fresh one")
    func expiredConversationStartsFresh() async throws {
        let harness = try await EngineHarness.make()
        let old = try await harness.inbound("oi")
        try await harness.pool.query(
            "UPDATE ai_conversations SET expires_at = now() - interval '1 minute' WHERE id = \(old.conversationID!)")
        let fresh = try await harness.inbound("voltei")
        #expect(fresh.conversationID != old.conversationID)
        #expect(try await harness.conversation(old.conversationID!).state == .closed)
        #expect(try await harness.conversation(fresh.conversationID!).state == .bot)
    }

    @Test("two claimers on separate pools get disjoint conversations and every due one is claimed once")
    func concurrentClaimsAreDisjoint() async throws {
        let harness = try await EngineHarness.make()
        var expected: Set<UUID> = []
        for index in 0..<20 {
            let outcome = try await harness.inbound("oi", from: "55119000000\(String(format: "%02d", index))")
            expected.insert(try #require(outcome.conversationID))
        }
        let otherPool = PostgresPool(configuration: harness.pool.configuration, logger: TestDatabase.logger)
        let other = ConversationStore(pool: otherPool)
        async let first = harness.store.claimDue(limit: 15, worker: "worker-a", lease: .seconds(60))
        async let second = other.claimDue(limit: 15, worker: "worker-b", lease: .seconds(60))
        let (a, b) = try await (first, second)
        let idsA = Set(a.map(\.conversation.id))
        let idsB = Set(b.map(\.conversation.id))
        #expect(idsA.isDisjoint(with: idsB))
        #expect(idsA.union(idsB) == expected)
        #expect(a.count + b.count == 20)
        #expect(a.allSatisfy { $0.conversation.lockedBy == "worker-a" && $0.tenant.id == harness.tenant.id })
        #expect(b.allSatisfy { $0.conversation.lockedBy == "worker-b" && $0.session.id == harness.session.id })
        // Leased: nobody can claim them again, and only the holder may renew or complete.
        #expect(try await harness.store.claimDue(limit: 50, worker: "worker-c", lease: .seconds(60)).isEmpty)
        let turn = try #require(a.first)
        var stolen = turn
        stolen.worker = "worker-b"
        #expect(try await harness.store.renewLease(turn, lease: .seconds(60)))
        #expect(try await other.renewLease(stolen, lease: .seconds(60)) == false)
        await #expect(throws: TurnLeaseLostError.self) {
            try await other.completeTurn(
                TurnCompletion(
                    tenantID: harness.tenant.id, conversationID: turn.conversation.id, worker: "worker-b",
                    answeredThroughSeq: Int64.max, replies: ["não deveria sair"]))
        }
        #expect(try await harness.botReplies(turn.conversation.id).isEmpty)
        await otherPool.close()
    }

    @Test("an expired lease makes the turn claimable by another worker")
    func expiredLeaseIsReclaimed() async throws {
        let harness = try await EngineHarness.make()
        let outcome = try await harness.inbound("oi")
        let first = try await harness.claimOne(worker: "crashed")
        try await harness.pool.query(
            "UPDATE ai_conversations SET locked_until = now() - interval '1 second' WHERE id = \(outcome.conversationID!)"
        )
        let again = try await harness.claimOne(worker: "survivor")
        #expect(again.conversation.id == first.conversation.id)
        #expect(again.conversation.turnAttempts == 2)
        #expect(again.conversation.lockedBy == "survivor")
    }

    @Test("an operator writing from the business phone pauses the bot once; the echo changes nothing")
    func operatorPausesTheBot() async throws {
        let harness = try await EngineHarness.make()
        let outcome = try await harness.inbound("oi", debounce: .seconds(30))
        let conversationID = try #require(outcome.conversationID)
        let reply = MessageStore.NewInbound(
            tenantID: harness.tenant.id, sessionID: harness.session.id, provider: harness.session.provider,
            providerMessageID: "op-1", customerNumber: "5511988887777", kind: .text,
            content: ["body": "Oi, aqui é a Júlia!"], replyTo: nil, receivedAt: Date())
        #expect(try await harness.store.recordOperatorMessage(reply, pause: true))
        #expect(try await harness.store.recordOperatorMessage(reply, pause: true) == false)
        let paused = try await harness.conversation(conversationID)
        #expect(paused.state == .paused)
        #expect(paused.pendingTurnAt == nil)
        let later = try await harness.inbound("obrigada!")
        #expect(later.conversationID == conversationID)
        #expect(later.pendingTurnAt == nil)
        let authors = try await harness.store.loadWindow(paused, maxMessages: 10).map(\.author)
        #expect(authors == ["customer", "operator", "customer"])
        #expect(try await harness.store.setState(.bot, conversationID: conversationID, tenantID: harness.tenant.id))
        #expect(try await harness.conversation(conversationID).pendingTurnAt != nil)
    }
}
