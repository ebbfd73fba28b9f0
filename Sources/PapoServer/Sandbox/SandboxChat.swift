import Foundation
import Synchronization

/// The conversation loop of `papo chat`: sends each input line as the customer and prints the
/// business's replies as they arrive, by polling the chat (which works against any instance,
/// with no realtime endpoint needed).
///
/// When the input ends (piped stdin, Ctrl-D), it keeps listening for up to ``wait``, and stops
/// sooner once every line sent has been followed by a reply and the chat has been quiet for
/// ``settle``. `/quit` stops at once.
public struct SandboxChat: Sendable {
    public let client: SandboxChatClient
    public var pollInterval: Duration
    public var wait: Duration
    public var settle: Duration

    public init(
        client: SandboxChatClient, pollInterval: Duration = .milliseconds(500), wait: Duration = .seconds(30),
        settle: Duration = .seconds(1)
    ) {
        self.client = client
        self.pollInterval = pollInterval
        self.wait = wait
        self.settle = settle
    }

    private struct Progress {
        var sent = 0
        var quit = false
        var inputEndedAt: ContinuousClock.Instant?
    }

    /// Shared by the input and polling tasks (a `Mutex` cannot be captured by them directly).
    private final class SharedProgress: Sendable {
        let state = Mutex(Progress())
    }

    /// Runs until `/quit`, or until the input ends and the replies are in (or ``wait`` passed).
    /// `output` gets one line per reply, e.g. `bot: Olá!`.
    public func run(
        input: AsyncStream<String>, output: @escaping @Sendable (String) -> Void
    ) async throws(SandboxChatError) {
        // Start after what the chat already holds: only new replies are printed.
        var start: Int64 = 0
        while true {
            let page = try await client.messages(after: start)
            if page.lines.isEmpty { break }
            start = page.lastSeq
        }
        let progress = SharedProgress()
        let clock = ContinuousClock()
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    for await line in input {
                        let text = line.trimmingCharacters(in: .whitespacesAndNewlines)
                        if text.isEmpty { continue }
                        if text == "/quit" {
                            progress.state.withLock { $0.quit = true }
                            return
                        }
                        try await client.send(text)
                        progress.state.withLock { $0.sent += 1 }
                    }
                    progress.state.withLock { $0.inputEndedAt = clock.now }
                }
                group.addTask { [start] in
                    var after = start
                    var customerLines = 0
                    var lastCustomerSeq: Int64 = 0
                    var lastReplySeq: Int64 = 0
                    var lastReplyAt = clock.now
                    while true {
                        let snapshot = progress.state.withLock { $0 }
                        if snapshot.quit { return }
                        let page = try await client.messages(after: after)
                        for line in page.lines {
                            after = max(after, line.seq)
                            if line.isFromCustomer {
                                customerLines += 1
                                lastCustomerSeq = line.seq
                            } else {
                                lastReplySeq = line.seq
                                lastReplyAt = clock.now
                                output(Self.format(line))
                            }
                        }
                        if let ended = snapshot.inputEndedAt {
                            let answered = customerLines >= snapshot.sent && lastReplySeq > lastCustomerSeq
                            if answered, clock.now - lastReplyAt >= settle { return }
                            if clock.now - ended >= wait { return }
                        }
                        try await Task.sleep(for: pollInterval)
                    }
                }
                try await group.waitForAll()
            }
        } catch let error as SandboxChatError {
            throw error
        } catch is CancellationError {
            return
        } catch {
            throw SandboxChatError("the chat stopped: \(error)")
        }
    }

    /// One reply as the terminal shows it: the author, the text, and a failure if it failed.
    static func format(_ line: SandboxChatClient.Line) -> String {
        var text = "\(line.author): \(line.text)"
        if line.status == "failed" {
            text += "  [not delivered\(line.error.map { ": \($0.code)" } ?? "")]"
        }
        return text
    }
}
