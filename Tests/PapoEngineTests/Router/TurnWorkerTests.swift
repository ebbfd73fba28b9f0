import Foundation
import PapoCore
import PapoEngine
import PapoPostgres
import PapoStore
import PapoTestKit
import Testing

@Suite("Turn worker: debounce and wake-ups")
struct TurnWorkerTests {
    @Test("three quick messages within the debounce give one turn whose request carries all three")
    func burstIsAnsweredOnce() async throws {
        let harness = try await EngineHarness.make()
        let model = try await FakeModel.start()
        model.server.enqueue(.text("Oi, Ana! Tenho opções na Vila Mariana, sim."))
        let template = try EngineHarness.template(TurnRunnerTests.realEstateYAML)
        let runner = harness.runner(templates: [template], llm: model.client)
        let listener = PostgresListener(
            connectionString: harness.pool.configuration.connectionString, logger: TestDatabase.logger)
        listener.start()
        let worker = TurnWorker(
            store: harness.store, runner: runner, listener: listener,
            configuration: TurnWorker.Configuration(workerID: "burst-worker", pollInterval: .milliseconds(250)),
            logger: TestDatabase.logger)
        let running = Task { try await worker.run() }

        let texts = ["oi", "tudo bem?", "queria um apartamento na Vila Mariana"]
        var outcomes: [ConversationStore.InboundOutcome] = []
        for text in texts {
            outcomes.append(try await harness.inbound(text, debounce: .seconds(2)))
        }
        let conversationID = try #require(outcomes[0].conversationID)
        #expect(Set(outcomes.map(\.conversationID)) == [conversationID])
        let deadlines = outcomes.compactMap(\.pendingTurnAt)
        #expect(deadlines.count == 3)
        #expect(deadlines == deadlines.sorted())

        let answered = try await eventually {
            let replies = try await harness.botReplies(conversationID)
            let conversation = try await harness.conversation(conversationID)
            return replies.count == 1 && conversation.lockedBy == nil
        }
        worker.stop()
        try await running.value
        listener.stop()
        await model.stop()

        #expect(answered)
        #expect(model.server.requests.count == 1)
        let messages = try #require(try model.body(0)["messages"]?.arrayValue)
        #expect(messages.filter { $0["role"] == "user" }.compactMap { $0["content"]?.stringValue } == texts)
        #expect(try await harness.botReplies(conversationID) == ["Oi, Ana! Tenho opções na Vila Mariana, sim."])
        #expect(try await harness.unansweredCount(conversationID) == 0)
        #expect(try await harness.conversation(conversationID).pendingTurnAt == nil)
    }
}
