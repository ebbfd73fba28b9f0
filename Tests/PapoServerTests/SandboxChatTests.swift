import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PapoCore
import PapoEngine
import PapoHTTP
import PapoPostgres
import PapoProviders
import PapoServer
import PapoStore
import PapoTestKit
import Synchronization
import Testing

@Suite("Sandbox chat")
struct SandboxChatTests {
    let app: TestApp

    init() throws {
        app = try TestApp()
    }

    static let agentsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("agents")

    func router(directory: DefaultProviderDirectory) -> Router<AppRequestContext> {
        PapoRouter.make(.init(pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey, sandbox: directory))
    }

    @Test("a sandbox message enters like a provider's inbound message and the chat reads back in order")
    func postAndRead() async throws {
        let directory = DefaultProviderDirectory()
        try await Application(router: router(directory: directory), logger: TestDatabase.logger).test(.router) {
            client in
            let tenant = try await ConversationTenant.make("Sandbox", client: client, pool: app.pool)
            let posted = try await client.call(
                .post, "/api/v1/sandbox/messages", as: tenant,
                body: ["from": "+55 11 98888-7777", "text": "oi, tudo bem?", "name": "Ana"])
            #expect(posted.status == .accepted)
            let receipt = try posted.json()
            #expect(receipt["state"] as? String == "bot")
            #expect(receipt["pending_turn_at"] is String)
            #expect(receipt["session"] as? String == "sandbox")
            let conversationText = try #require(receipt["conversation_id"] as? String)
            let conversationID = try #require(UUID(uuidString: conversationText))

            let stored = try #require(
                try await app.pool.query(
                    """
                    SELECT direction, author, provider, provider_message_id, customer_number, status, content->>'body' AS body
                    FROM messages WHERE tenant_id = \(tenant.id) AND conversation_id = \(conversationID)
                    """
                ).first)
            #expect(try stored.decode("direction", as: String.self) == "inbound")
            #expect(try stored.decode("author", as: String.self) == "customer")
            #expect(try stored.decode("provider", as: String.self) == "sandbox")
            #expect(try stored.decode("customer_number", as: String.self) == "5511988887777")
            #expect(try stored.decode("body", as: String.self) == "oi, tudo bem?")
            #expect(
                try stored.decode("provider_message_id", as: String.self) == receipt["provider_message_id"] as? String)
            let conversation = try #require(
                try await tenant.store.conversation(id: conversationID, tenantID: tenant.id))
            #expect(conversation.customerName == "Ana")
            #expect(conversation.pendingTurnAt != nil)
            // The debounce holds the turn back, as for a webhook message.
            #expect(try await tenant.store.claimDue(limit: 10, worker: "w", lease: .seconds(30)).isEmpty)
            // The in-process Sandbox shows the customer too.
            let history = directory.sandbox(for: tenant.session).history()
            #expect(history.map(\.text) == ["oi, tudo bem?"])
            #expect(history.first?.direction == .inbound)

            let reply = try await client.call(
                .post, "/api/v1/conversations/\(conversationID)/messages", as: tenant, body: ["text": "Olá, Ana!"])
            #expect(reply.status == .accepted)

            let chat = try await client.call(.get, "/api/v1/sandbox/messages?customer=5511988887777", as: tenant)
            #expect(chat.status == .ok)
            let messages = try #require(try chat.json()["messages"] as? [[String: Any]])
            #expect(messages.compactMap { $0["text"] as? String } == ["oi, tudo bem?", "Olá, Ana!"])
            #expect(messages.compactMap { $0["author"] as? String } == ["customer", "operator"])
            #expect(messages.compactMap { $0["status"] as? String } == ["received", "queued"])
            let firstSeq = try #require(messages.first?["seq"] as? Int)
            #expect(try chat.json()["last_seq"] as? Int == messages.last?["seq"] as? Int)

            let after = try await client.call(
                .get, "/api/v1/sandbox/messages?customer=%2B5511988887777&after_seq=\(firstSeq)", as: tenant)
            #expect(
                (try after.json()["messages"] as? [[String: Any]])?.compactMap { $0["text"] as? String } == [
                    "Olá, Ana!"
                ])

            // Another customer's chat, and another tenant's, are empty.
            let stranger = try await client.call(.get, "/api/v1/sandbox/messages?customer=5511900000000", as: tenant)
            #expect((try stranger.json()["messages"] as? [Any])?.isEmpty == true)
            let other = try await ConversationTenant.make("Outra", client: client, pool: app.pool)
            let foreign = try await client.call(.get, "/api/v1/sandbox/messages?customer=5511988887777", as: other)
            #expect((try foreign.json()["messages"] as? [Any])?.isEmpty == true)
        }
    }

    @Test("bad sandbox requests name the field")
    func validation() async throws {
        try await Application(router: router(directory: DefaultProviderDirectory()), logger: TestDatabase.logger)
            .test(.router) { client in
                let tenant = try await ConversationTenant.make("Validação", client: client, pool: app.pool)
                let empty = try await client.call(.post, "/api/v1/sandbox/messages", as: tenant, body: ["extra": 1])
                #expect(empty.status == .unprocessableContent)
                #expect(try empty.errorFields().sorted() == ["extra", "from", "text"])
                let badNumber = try await client.call(
                    .post, "/api/v1/sandbox/messages", as: tenant, body: ["from": "ana", "text": "oi"])
                #expect(try badNumber.errorFields() == ["from"])
                let noSession = try await client.call(
                    .post, "/api/v1/sandbox/messages", as: tenant,
                    body: ["from": "5511988887777", "text": "oi", "session": "nenhuma"])
                #expect(try noSession.errorFields() == ["session"])
                let noCustomer = try await client.call(.get, "/api/v1/sandbox/messages", as: tenant)
                #expect(noCustomer.status == .unprocessableContent)
                #expect(try noCustomer.errorFields() == ["customer"])
                let badSeq = try await client.call(
                    .get, "/api/v1/sandbox/messages?customer=5511988887777&after_seq=-1", as: tenant)
                #expect(try badSeq.errorFields() == ["after_seq"])
            }
    }

    /// Records what the chat prints.
    final class Transcript: Sendable {
        let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    @Test("papo chat talks to an offline agent through a live server and prints its reply")
    func chatWithOfflineAgent() async throws {
        let directory = DefaultProviderDirectory(
            sandboxConfiguration: .init(
                sentDelay: .milliseconds(10), deliveredDelay: .milliseconds(10), readDelay: .milliseconds(10)))
        let logger = TestDatabase.logger
        let library = AgentTemplateLibrary(directory: Self.agentsDirectory, logger: logger)
        _ = library.reload()
        let store = ConversationStore(pool: app.pool)
        let messages = MessageStore(pool: app.pool)
        let runner = TurnRunner(
            store: store, router: ConversationRouter(library: library, defaultTemplateID: "support"), llm: nil,
            plugins: nil, logger: logger)
        let sender = OutboxSender(
            messages: messages, sessions: SessionStore(pool: app.pool), directory: directory,
            router: ProviderRouter(), listener: nil, logger: logger)
        let pump = SandboxStatusPump(directory: directory, messages: messages, logger: logger)
        // The engine's parts, stepped here rather than run as services so the test ends when its
        // body does: due turns are answered by the real runner and the replies sent through the
        // real outbox to the Sandbox, whose delivery reports the pump stores.
        let engine = Task {
            while !Task.isCancelled {
                for turn in try await store.claimDue(limit: 10, worker: "chat-test", lease: .seconds(30)) {
                    try await runner.run(turn)
                }
                try await sender.drainOnce()
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let pumping = Task { try await pump.run() }
        defer {
            engine.cancel()
            pumping.cancel()
        }
        let application = Application(
            router: router(directory: directory), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: logger)
        try await application.test(.live) { client in
            let tenant = try await client.createTenant("Chat Ltda")
            let port = try #require(client.port)
            let http = HTTPClient()
            let configuration = SandboxChatClient.Configuration(
                baseURL: "http://127.0.0.1:\(port)", clientID: tenant.clientID, apiKey: tenant.key,
                customer: "5511977776666", name: "Rita")
            let chat = SandboxChat(
                client: SandboxChatClient(configuration: configuration, http: http), pollInterval: .milliseconds(100),
                wait: .seconds(20), settle: .milliseconds(300))
            let printed = Transcript()
            let (input, lines) = AsyncStream.makeStream(of: String.self)
            lines.yield("oi")
            lines.finish()
            try await chat.run(input: input) { printed.append($0) }
            #expect(!printed.all.isEmpty)
            // No model is configured: the support template's offline greeting answers a first contact.
            #expect(printed.all.first?.hasPrefix("bot: Olá! Obrigado por falar com a") == true, "\(printed.all)")

            // The stored chat shows both sides, the reply delivered by the Sandbox.
            let page = try await chat.client.messages(after: 0)
            #expect(page.lines.map(\.author).prefix(2) == ["customer", "bot"])
            #expect(page.lines.map(\.text).first == "oi")

            // Wrong credentials stop the chat with one clear line.
            var wrong = configuration
            wrong.apiKey = "pk_wrong"
            let refused = await #expect(throws: SandboxChatError.self) {
                try await SandboxChatClient(configuration: wrong, http: http).send("oi")
            }
            #expect(refused?.status == 401)
            #expect(refused?.description.contains("--api-key") == true)
            await http.shutdown()
        }
    }

    @Test("papo chat reports a server that is not running")
    func serverDown() async throws {
        let http = HTTPClient()
        let client = SandboxChatClient(
            configuration: .init(baseURL: "http://127.0.0.1:1", clientID: "c", apiKey: "k", customer: "5511977776666"),
            http: http)
        let error = await #expect(throws: SandboxChatError.self) { try await client.send("oi") }
        #expect(error?.description.contains("cannot reach the Papo server") == true)
        await http.shutdown()
    }
}
