import Foundation
import Logging
import PapoHTTP
import Synchronization
import Testing

extension HTTPClientTests {
    @Test func tlsHandshakeAgainstAPlainHTTPServerFailsWithTLS() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let url = base.replacingOccurrences(of: "http://", with: "https://") + "/hello"
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: url))
            }
            #expect(error?.code == .tls)
            #expect(error?.curlCode == 35)
        }
        await client.shutdown()
    }

    @Test func unreadableCABundleFailsWithTLS() async throws {
        let client = HTTPClient(configuration: .init(caBundlePath: "/nonexistent/papo-ca.pem"))
        try await TestServer.with { base in
            let url = base.replacingOccurrences(of: "http://", with: "https://") + "/hello"
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: url))
            }
            #expect(error?.code == .tls)
            #expect(error?.curlCode == 77)
        }
        await client.shutdown()
    }

    @Test func requestsGoThroughTheConfiguredProxy() async throws {
        try await TestServer.with { base in
            // The fake server doubles as a forward proxy: it answers the absolute-form request
            // itself. The target host does not resolve, so a 200 proves the proxy was used.
            let client = HTTPClient(configuration: .init(proxy: base))
            let response = try await client.execute(HTTPClientRequest(url: "http://papo-target.invalid/hello"))
            #expect(response.status == 200)
            #expect(response.text == "hello")
            await client.shutdown()
        }
    }

    @Test func debugLogsCarryMethodHostStatusAndTimingButNoSecrets() async throws {
        let records = RecordingLogHandler.Records()
        var logger = Logger(label: "papo-http-test") { _ in RecordingLogHandler(records: records) }
        logger.logLevel = .debug
        let client = HTTPClient(logger: logger)
        try await TestServer.with { base in
            let request = HTTPClientRequest(
                url: "\(base)/echo?access_token=query-secret",
                headers: ["Authorization": "Bearer header-secret"])
            _ = try await client.execute(request)
        }
        await client.shutdown()
        let logged = records.all
        #expect(logged.count == 1)
        let metadata = logged.first?.metadata ?? [:]
        #expect(metadata["http.method"] == "GET")
        #expect(metadata["http.host"] == "127.0.0.1")
        #expect(metadata["http.status"] == "200")
        #expect(metadata["duration_ms"].flatMap { Int($0) } != nil)
        let everything = logged.map { "\($0.message) \($0.metadata)" }.joined()
        #expect(!everything.contains("secret"))
    }
}

/// Keeps every log record so a test can check what the client logs.
struct RecordingLogHandler: LogHandler {
    struct Record: Sendable {
        var message: String
        var metadata: [String: String]
    }

    final class Records: Sendable {
        private let storage = Mutex<[Record]>([])
        var all: [Record] { storage.withLock { $0 } }
        func append(_ record: Record) { storage.withLock { $0.append(record) } }
    }

    let records: Records
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { $1 }
        records.append(
            Record(message: "\(event.message)", metadata: merged.mapValues { "\($0)" }))
    }
}
