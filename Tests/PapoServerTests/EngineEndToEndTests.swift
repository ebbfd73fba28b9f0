import Foundation
import Logging
import PapoCore
import PapoEngine
import PapoHTTP
import PapoLLM
import PapoPostgres
import PapoProviders
import PapoServer
import PapoStore
import PapoTestKit
import ServiceLifecycle
import Synchronization
import Testing

/// One engine instance: its own pool, listener, turn worker, outbox sender and Sandbox, on a
/// database shared with other instances — what `papo serve` runs, minus HTTP.
final class EngineInstance: Sendable {
    let pool: PostgresPool
    let listener: PostgresListener
    let stack: EngineStack
    let http = HTTPClient()
    private let running = Mutex<(group: ServiceGroup, task: Task<Void, any Error>)?>(nil)

    init(
        connectionString: String, name: String, model: URL, template: AgentTemplate, lease: Duration = .seconds(30),
        retry: RetryPolicy = .never
    ) throws {
        pool = PostgresPool(
            configuration: try PostgresConfiguration(connectionString: connectionString, maxConnections: 8),
            logger: TestDatabase.logger)
        listener = PostgresListener(connectionString: connectionString, logger: TestDatabase.logger)
        let clients = TenantLLMClients(
            defaultEndpoint: LLMEndpoint(baseURL: model.absoluteString + "/v1", apiKey: "sk-test", model: "m"),
            tenants: TenantStore(pool: pool), box: nil, httpClient: http, retryPolicy: retry,
            logger: TestDatabase.logger)
        var sender = OutboxSender.Configuration()
        sender.pollInterval = .milliseconds(200)
        stack = EngineStack(
            pool: pool, listener: listener,
            router: ConversationRouter(
                templates: { $0 == template.id ? template : nil }, defaultTemplateID: template.id),
            clients: clients, plugins: nil, secretBox: nil,
            mediaDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("papo-e2e-\(name)"),
            httpClient: http,
            sandbox: .init(sessionKey: "e2e", sentDelay: .milliseconds(5), deliveredDelay: .milliseconds(5)),
            worker: .init(workerID: name, lease: lease, pollInterval: .milliseconds(200)), sender: sender,
            logger: TestDatabase.logger)
    }

    /// Runs the listener, worker, sender and pump in a service group, as `papo serve` does.
    func start() {
        let group = ServiceGroup(
            configuration: .init(services: [listener] + stack.services, logger: TestDatabase.logger))
        running.withLock { $0 = (group, Task { try await group.run() }) }
    }

    /// Shuts the group down gracefully; with `abruptly` the database goes first, so an
    /// in-flight turn can write nothing — as when the process is killed.
    func stop(abruptly: Bool = false) async {
        if abruptly { await pool.close() }
        if let (group, task) = running.withLock({ $0 }) {
            await group.triggerGracefulShutdown()
            _ = try? await task.value
        }
        await http.shutdown()
        if !abruptly { await pool.close() }
    }
}

@Suite("Engine end to end over the Sandbox")
struct EngineEndToEndTests {
    static let template = """
        id: eco
        name: Eco
        prompt:
          system: Repita o que o cliente disse.
        context:
          max_messages: 30
        offline:
          fallback: Estamos fora do ar.
        """

    /// Echoes the customer messages since the model last spoke, joined by " | ".
    static func echo(delay: Duration) -> @Sendable (FakeLLMServer.RecordedRequest) -> FakeLLMServer.Reply {
        { request in
            let messages = (try? JSONValue(parsing: request.bodyText))?["messages"]?.arrayValue ?? []
            var pending: [String] = []
            for message in messages {
                if message["role"]?.stringValue == "assistant" { pending = [] }
                if message["role"]?.stringValue == "user", let text = message["content"]?.stringValue {
                    pending.append(text)
                }
            }
            return FakeLLMServer.Reply.text("eco: " + pending.joined(separator: " | ")).delayed(by: delay)
        }
    }

    struct World {
        let connectionString: String
        let pool: PostgresPool
        let tenant: Tenant
        let session: SessionRecord
        let store: ConversationStore

        static func make() async throws -> World {
            let connectionString = try TestDatabase.create()
            let pool = PostgresPool(
                configuration: try PostgresConfiguration(connectionString: connectionString, maxConnections: 4),
                logger: TestDatabase.logger)
            let (tenant, _) = try await TenantStore(pool: pool).create(name: "Eco Ltda", actor: "test")
            let session = try #require(try await SessionStore(pool: pool).resolve(tenantID: tenant.id, name: nil))
            return World(
                connectionString: connectionString, pool: pool, tenant: tenant, session: session,
                store: ConversationStore(pool: pool))
        }

        @discardableResult
        func customerSays(_ text: String, from customer: String) async throws -> ConversationStore.InboundOutcome {
            try await store.recordInbound(
                MessageStore.NewInbound(
                    tenantID: tenant.id, sessionID: session.id, provider: .sandbox,
                    providerMessageID: "in-" + UUID().uuidString, customerNumber: customer, kind: .text,
                    content: ["body": .string(text)], replyTo: nil, receivedAt: Date()),
                customerName: nil, debounce: .zero)
        }

        /// Bot replies per customer in sending order, with their statuses.
        func replies() async throws -> [String: [(text: String, status: String)]] {
            var result: [String: [(text: String, status: String)]] = [:]
            for row in try await pool.query(
                """
                SELECT customer_number, content->>'text' AS text, status FROM messages
                WHERE tenant_id = \(tenant.id) AND author = 'bot' ORDER BY seq
                """)
            {
                result[try row.decode("customer_number"), default: []].append(
                    (try row.decode("text"), try row.decode("status")))
            }
            return result
        }

        /// Whether every customer message is answered and every reply has left the outbox.
        func settled() async throws -> Bool {
            try await pool.query(
                """
                SELECT
                  (SELECT count(*) FROM messages WHERE tenant_id = \(tenant.id) AND direction = 'inbound'
                     AND answered_at IS NULL)
                  + (SELECT count(*) FROM messages WHERE tenant_id = \(tenant.id) AND direction = 'outbound'
                     AND status IN ('queued', 'sending'))
                  + (SELECT count(*) FROM ai_conversations WHERE tenant_id = \(tenant.id)
                     AND (pending_turn_at IS NOT NULL OR locked_by IS NOT NULL)) AS open
                """
            ).first!.decode("open", as: Int64.self) == 0
        }
    }

    @Test("a customer message gets the model's reply, delivered through the Sandbox")
    func messageGetsAReply() async throws {
        let world = try await World.make()
        let model = FakeLLMServer()
        model.respond(Self.echo(delay: .zero))
        let instance = try EngineInstance(
            connectionString: world.connectionString, name: "solo", model: try await model.start(),
            template: AgentTemplateLoader.load(text: Self.template, file: "eco.yaml").template!)
        instance.start()
        try await world.customerSays("Olá, tudo bem?", from: "5511900000001")
        let delivered = try await eventually {
            try await world.replies()["5511900000001"]?.first.map { ["delivered", "read"].contains($0.status) } == true
        }
        await instance.stop()
        await model.stop()
        #expect(delivered)
        #expect(try await world.replies()["5511900000001"]?.map(\.text) == ["eco: Olá, tudo bem?"])
        let sandbox = try #require(instance.stack.directory.allSandboxes[world.session.id])
        let customer = try PhoneNumber("5511900000001")
        #expect(
            sandbox.history(with: customer).filter { $0.direction == .outbound }.map(\.text) == ["eco: Olá, tudo bem?"])
    }

    @Test("two instances on one database: every message is answered once, in order, and each reply is sent once")
    func twoInstances() async throws {
        let world = try await World.make()
        let model = FakeLLMServer()
        model.respond(Self.echo(delay: .milliseconds(40)))
        let url = try await model.start()
        let template = try #require(AgentTemplateLoader.load(text: Self.template, file: "eco.yaml").template)
        let instances = try ["a", "b"].map {
            try EngineInstance(
                connectionString: world.connectionString, name: "instance-\($0)", model: url, template: template)
        }
        for instance in instances { instance.start() }
        let customers = (1...12).map { String(format: "55119100000%02d", $0) }
        // Messages arrive while turns of the same conversation run on either instance.
        for round in 1...3 {
            for customer in customers {
                try await world.customerSays("m\(round)", from: customer)
            }
            try await Task.sleep(for: .milliseconds(30))
        }
        let settled = try await eventually(within: .seconds(60)) { try await world.settled() }
        for instance in instances { await instance.stop() }
        await model.stop()
        #expect(settled)

        let replies = try await world.replies()
        var totalReplies = 0
        for customer in customers {
            let texts = replies[customer]?.map(\.text) ?? []
            totalReplies += texts.count
            // Each reply echoes the messages its turn answered: together, every message once, in order.
            let echoed = texts.flatMap { $0.dropFirst("eco: ".count).components(separatedBy: " | ") }
            #expect(echoed == ["m1", "m2", "m3"], "\(customer): \(texts)")
        }
        #expect(model.servedCount == totalReplies, "one model call per turn, none repeated")
        let sent = instances.flatMap { instance in
            instance.stack.directory.allSandboxes.values.flatMap { $0.history().filter { $0.direction == .outbound } }
        }
        #expect(sent.count == totalReplies, "each reply left through exactly one instance's Sandbox")
    }

    @Test("an instance killed mid-turn: after its lease expires another answers, and only one set of replies exists")
    func killedMidTurn() async throws {
        let world = try await World.make()
        let model = FakeLLMServer()
        // The first call hangs long enough for the kill; later ones answer at once.
        model.enqueue(.text("resposta do morto").delayed(by: .seconds(4)))
        model.respond(Self.echo(delay: .zero))
        let url = try await model.start()
        let template = try #require(AgentTemplateLoader.load(text: Self.template, file: "eco.yaml").template)
        let doomed = try EngineInstance(
            connectionString: world.connectionString, name: "doomed", model: url, template: template,
            lease: .seconds(1))
        doomed.start()
        let conversationID = try #require(
            try await world.customerSays("preciso de ajuda", from: "5511920000001").conversationID)
        let calling = try await eventually { model.servedCount == 1 }
        #expect(calling)
        await doomed.stop(abruptly: true)

        let survivor = try EngineInstance(
            connectionString: world.connectionString, name: "survivor", model: url, template: template,
            lease: .seconds(1))
        survivor.start()
        let settled = try await eventually(within: .seconds(30)) { try await world.settled() }
        // Give the dead instance's hung call time to come back: it must write nothing.
        try await Task.sleep(for: .seconds(4))
        await survivor.stop()
        await model.stop()
        #expect(settled)
        #expect(model.servedCount == 2)
        #expect(try await world.replies()["5511920000001"]?.map(\.text) == ["eco: preciso de ajuda"])
        let conversation = try #require(
            try await world.store.conversation(id: conversationID, tenantID: world.tenant.id))
        #expect(conversation.lockedBy == nil)
    }

    @Test("a 429 with Retry-After is waited out and the model's answer, not the offline one, is sent")
    func rateLimitThenSuccess() async throws {
        let world = try await World.make()
        let model = FakeLLMServer()
        model.enqueue(
            FakeLLMServer.Reply(status: 429, content: .error(.openAI(message: "slow down", type: "rate_limit")))
                .withHeader("Retry-After", "1"))
        model.respond(Self.echo(delay: .zero))
        let template = try #require(AgentTemplateLoader.load(text: Self.template, file: "eco.yaml").template)
        let instance = try EngineInstance(
            connectionString: world.connectionString, name: "patient", model: try await model.start(),
            template: template, retry: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(50)))
        instance.start()
        let started = ContinuousClock.now
        try await world.customerSays("oi", from: "5511930000001")
        let settled = try await eventually { try await world.settled() }
        let elapsed = ContinuousClock.now - started
        await instance.stop()
        await model.stop()
        #expect(settled)
        #expect(model.servedCount == 2)
        #expect(elapsed >= .seconds(1), "Retry-After was honoured")
        #expect(try await world.replies()["5511930000001"]?.map(\.text) == ["eco: oi"])
    }
}
