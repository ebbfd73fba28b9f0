import ArgumentParser
import Foundation
import PapoHTTP
import PapoServer

#if canImport(Glibc)
    import Glibc
#endif

/// `papo chat`: talk to a tenant's agent as a customer, through the Sandbox of a running server.
struct Chat: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Talk to your agent as a customer through the Sandbox of a running server.",
        discussion: """
            Each line read from stdin is sent as the customer; the business's replies are printed as \
            they arrive. /quit leaves. With piped input the command waits for the replies, then exits:
              echo "oi" | papo chat --client-id acme --api-key pk_... --wait 10
            """)

    @Option(help: "The server's URL.")
    var url = "http://127.0.0.1:8080"

    @Option(name: .customLong("client-id"), help: "The tenant's client id (default: $PAPO_CLIENT_ID).")
    var clientID: String?

    @Option(name: .customLong("api-key"), help: "One of the tenant's API keys (default: $PAPO_API_KEY).")
    var apiKey: String?

    @Option(help: "The customer's phone number.")
    var customer = "5511900000001"

    @Option(help: "The customer's name, as the agent sees it.")
    var name: String?

    @Option(help: "A sandbox session name (default: the tenant's default session).")
    var session: String?

    @Option(help: "Seconds to keep listening for replies after the input ends.")
    var wait: Double = 30

    func run() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let clientID = nonEmpty(clientID) ?? nonEmpty(environment["PAPO_CLIENT_ID"]) else {
            fail("no tenant: pass --client-id or set PAPO_CLIENT_ID")
        }
        guard let apiKey = nonEmpty(apiKey) ?? nonEmpty(environment["PAPO_API_KEY"]) else {
            fail("no API key: pass --api-key or set PAPO_API_KEY")
        }
        guard wait >= 0, wait.isFinite else { fail("--wait must be 0 or more seconds") }
        let http = HTTPClient()
        let chat = SandboxChat(
            client: SandboxChatClient(
                configuration: .init(
                    baseURL: url, clientID: clientID, apiKey: apiKey, customer: customer, name: name, session: session),
                http: http),
            wait: .milliseconds(Int64(wait * 1000)))
        let interactive = isatty(STDIN_FILENO) == 1
        if interactive {
            writeLine("chatting as \(customer) with \(clientID) at \(url); /quit to leave", to: .standardError)
        }
        do {
            try await chat.run(input: Self.standardInputLines()) { line in writeLine(line, to: .standardOutput) }
        } catch {
            await http.shutdown()
            fail(error.description)
        }
        await http.shutdown()
    }

    /// Lines of stdin, read on a thread of their own: `readLine` blocks, and the chat must keep
    /// printing replies while the person types.
    static func standardInputLines() -> AsyncStream<String> {
        let (stream, continuation) = AsyncStream.makeStream(of: String.self)
        let thread = Thread {
            while let line = readLine(strippingNewline: true) { continuation.yield(line) }
            continuation.finish()
        }
        thread.start()
        return stream
    }
}

private func nonEmpty(_ value: String?) -> String? {
    guard let value, !value.isEmpty else { return nil }
    return value
}

/// Unbuffered, so piped output shows each reply as it arrives.
private func writeLine(_ text: String, to handle: FileHandle) {
    handle.write(Data((text + "\n").utf8))
}

private func fail(_ message: String) -> Never {
    writeLine("papo chat: \(message)", to: .standardError)
    exit(1)
}
