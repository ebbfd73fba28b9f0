import Foundation
import Logging
import PapoCore
import PapoHTTP
import PapoLLM
import PapoTestKit
import Synchronization

/// A started ``FakeLLMServer`` and a real libcurl client, alive for one test body.
struct FakeLLMHarness {
    /// A key shaped like OpenAI's, so tests can look for it (and masked copies) in output.
    static let apiKey = "sk-test-Zq81vXnL0pR4tY7uW2eK9mB3cJ6hF5dA"

    let server: FakeLLMServer
    let root: URL
    let http: HTTPClient

    /// Starts a fake and a client, runs `body`, then stops both whether or not it threw.
    static func with<T>(_ body: (FakeLLMHarness) async throws -> T) async throws -> T {
        let server = FakeLLMServer()
        let root = try await server.start()
        let http = HTTPClient()
        let harness = FakeLLMHarness(server: server, root: root, http: http)
        do {
            let result = try await body(harness)
            await http.shutdown()
            await server.stop()
            return result
        } catch {
            await http.shutdown()
            await server.stop()
            throw error
        }
    }

    /// An endpoint of `kind` pointing at the fake: `root/v1` for OpenAI-style servers, the
    /// root for Azure (whose deployment path the client appends).
    func endpoint(
        kind: LLMEndpoint.Kind = .openAI, apiKey: String? = FakeLLMHarness.apiKey, model: String = "gpt-4o-mini"
    ) -> LLMEndpoint {
        let base = kind == .azure ? root.absoluteString : root.absoluteString + "/v1"
        return LLMEndpoint(kind: kind, baseURL: base, apiKey: apiKey, model: model)
    }

    func client(
        _ endpoint: LLMEndpoint? = nil, retry: RetryPolicy = .fastForTests, logger: Logger? = nil
    ) -> OpenAICompatibleClient {
        OpenAICompatibleClient(
            endpoint: endpoint ?? self.endpoint(), httpClient: http, retryPolicy: retry, logger: logger)
    }

    /// The body of request number `index` (0-based) as JSON.
    func body(_ index: Int) throws -> JSONValue {
        try JSONDecoder().decode(JSONValue.self, from: server.requests[index].body)
    }
}

extension RetryPolicy {
    /// Three attempts with waits short enough for tests and no jitter.
    static let fastForTests = RetryPolicy(
        maxAttempts: 3, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(100),
        maxRetryAfter: .seconds(2), jitter: 0)
}

extension LLMRequest {
    /// A one-line customer question.
    static func question(_ text: String = "2-bedroom in Pinheiros under 4000?") -> LLMRequest {
        LLMRequest(messages: [.system("You are a real-estate agent."), .user(text)])
    }
}

/// Every rendered log line (message and metadata) of every logger made from it.
final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])

    var all: [String] { lines.withLock { $0 } }

    func logger() -> Logger {
        var logger = Logger(label: "papo.llm.test") { _ in Handler(recorder: self) }
        logger.logLevel = .trace
        return logger
    }

    fileprivate func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    private struct Handler: LogHandler {
        let recorder: LogRecorder
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
            recorder.append("\(event.level) \(event.message) \(merged)")
        }
    }
}
