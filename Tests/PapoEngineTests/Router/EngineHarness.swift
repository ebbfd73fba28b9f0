import Foundation
import Logging
import PapoCore
import PapoEngine
import PapoHTTP
import PapoLLM
import PapoPlugins
import PapoPostgres
import PapoStore
import PapoTestKit
import Synchronization

/// A fresh database with one tenant and its Sandbox session, plus helpers to feed inbound
/// messages and read what the engine queued.
struct EngineHarness {
    let pool: PostgresPool
    let store: ConversationStore
    let tenant: Tenant
    let session: SessionRecord

    static func make(tenantName: String = "Imobiliária Sol") async throws -> EngineHarness {
        let pool = try TestDatabase.makePool(maxConnections: 8)
        let (tenant, _) = try await TenantStore(pool: pool).create(name: tenantName, actor: "test")
        let session = try await SessionStore(pool: pool).resolve(tenantID: tenant.id, name: nil)!
        return EngineHarness(pool: pool, store: ConversationStore(pool: pool), tenant: tenant, session: session)
    }

    /// The folder holding the test binary and the plugin libraries the package built.
    static let buildDirectory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        if folder.lastPathComponent.hasSuffix(".xctest") { folder.deleteLastPathComponent() }
        return folder.path
    }()

    /// Records a customer's text message.
    @discardableResult
    func inbound(
        _ text: String, from customer: String = "5511988887777", id: String = UUID().uuidString,
        name: String? = "Ana", debounce: Duration = .zero
    ) async throws -> ConversationStore.InboundOutcome {
        let message = MessageStore.NewInbound(
            tenantID: tenant.id, sessionID: session.id, provider: session.provider, providerMessageID: id,
            customerNumber: customer, kind: .text, content: ["body": .string(text)], replyTo: nil, receivedAt: Date())
        return try await store.recordInbound(message, customerName: name, debounce: debounce)
    }

    /// Claims the single due turn (the test made exactly one due).
    func claimOne(worker: String = "test-worker") async throws -> ClaimedTurn {
        let claimed = try await store.claimDue(limit: 10, worker: worker, lease: .seconds(60))
        guard claimed.count == 1 else { throw HarnessError("expected one due turn, claimed \(claimed.count)") }
        return claimed[0]
    }

    /// The texts the bot queued in a conversation, in order.
    func botReplies(_ conversationID: UUID) async throws -> [String] {
        try await pool.query(
            """
            SELECT content->>'text' AS text FROM messages
            WHERE tenant_id = \(tenant.id) AND conversation_id = \(conversationID) AND author = 'bot'
            ORDER BY seq
            """
        ).map { try $0.decode("text", as: String.self) }
    }

    /// Inbound messages of a conversation not answered yet.
    func unansweredCount(_ conversationID: UUID) async throws -> Int {
        try await pool.query(
            """
            SELECT count(*)::int8 AS n FROM messages
            WHERE tenant_id = \(tenant.id) AND conversation_id = \(conversationID)
              AND direction = 'inbound' AND answered_at IS NULL
            """
        ).first!.decode("n")
    }

    func conversation(_ id: UUID) async throws -> Conversation {
        try await store.conversation(id: id, tenantID: tenant.id)!
    }

    /// A runner over `templates` (keyed by id), answering with `defaultTemplateID`.
    func runner(
        templates: [AgentTemplate], defaultTemplateID: String? = nil, llm: (any LLMClient)?,
        plugins: PluginHost? = nil
    ) -> TurnRunner {
        let byID = Dictionary(uniqueKeysWithValues: templates.map { ($0.id, $0) })
        let router = ConversationRouter(
            templates: { byID[$0] }, defaultTemplateID: defaultTemplateID ?? templates.first?.id)
        return TurnRunner(store: store, router: router, llm: llm, plugins: plugins, logger: TestDatabase.logger)
    }

    /// Loads a template from YAML text, failing the test on any template error.
    static func template(_ yaml: String) throws -> AgentTemplate {
        let outcome = AgentTemplateLoader.load(text: yaml, file: "test.yaml")
        guard let template = outcome.template, outcome.errors.isEmpty else {
            throw HarnessError("template errors: \(outcome.errors)")
        }
        return template
    }
}

struct HarnessError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// A started fake LLM server and an HTTP client for one test.
struct FakeModel {
    let server: FakeLLMServer
    let http: HTTPClient
    let client: OpenAICompatibleClient

    static func start() async throws -> FakeModel {
        let server = FakeLLMServer()
        let root = try await server.start()
        let http = HTTPClient()
        let endpoint = LLMEndpoint(baseURL: root.absoluteString + "/v1", apiKey: "sk-test", model: "gpt-4o-mini")
        let client = OpenAICompatibleClient(endpoint: endpoint, httpClient: http, retryPolicy: .never)
        return FakeModel(server: server, http: http, client: client)
    }

    func stop() async {
        await http.shutdown()
        await server.stop()
    }

    /// Request number `index` (0-based) as JSON.
    func body(_ index: Int) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: server.requests[index].body)
    }
}

/// An in-memory model: answers with scripted texts in order and records each request;
/// `onCall` runs first with the call number (1-based), to act while a turn is in flight.
final class ScriptedLLMClient: LLMClient {
    private struct State {
        var replies: [String]
        var requests: [LLMRequest] = []
    }

    private let state: Mutex<State>
    private let onCall: @Sendable (Int) async throws -> Void

    init(replies: [String], onCall: @escaping @Sendable (Int) async throws -> Void = { _ in }) {
        state = Mutex(State(replies: replies))
        self.onCall = onCall
    }

    var requests: [LLMRequest] { state.withLock { $0.requests } }

    func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        let number = state.withLock { state in
            state.requests.append(request)
            return state.requests.count
        }
        try await onCall(number)
        let reply = state.withLock { $0.replies.isEmpty ? nil : $0.replies.removeFirst() }
        guard let reply else { throw LLMError(code: .serverError, message: "no scripted reply left") }
        return LLMCompletion(
            model: "scripted", message: .assistant(reply), usage: LLMUsage(promptTokens: 7, completionTokens: 3))
    }

    func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMStreamEvent, any Error> {
        AsyncThrowingStream {
            $0.finish(throwing: LLMError(code: .invalidRequest, message: "streaming is not scripted"))
        }
    }
}
