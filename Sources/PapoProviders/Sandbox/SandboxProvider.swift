public import Foundation
public import PapoCore
import Synchronization

/// A simulated WhatsApp for development, demos and tests; needs no credentials.
///
/// One instance is one session. Sends are recorded in a bounded history and answered with
/// `sandbox.<uuid>` ids; each send then produces `sent`, `delivered` and (optionally) `read`
/// status events, in that order, after the configured delays. ``receive(from:text:name:replyTo:)``
/// plays the customer: the message enters the history and arrives on ``events`` as a
/// customer message, exactly where a provider webhook's events would go.
public final class SandboxProvider: WhatsAppProvider {
    /// Timing and size of the simulation.
    public struct Configuration: Sendable {
        /// The session key carried by every event.
        public var sessionKey: String
        /// Delay from the send to `sent`.
        public var sentDelay: Duration
        /// Delay from `sent` to `delivered`.
        public var deliveredDelay: Duration
        /// Delay from `delivered` to `read`.
        public var readDelay: Duration
        /// Whether the simulated customer reads messages (a `read` status follows).
        public var simulatesRead: Bool
        /// Messages kept in the history; older ones are dropped first.
        public var historyLimit: Int
        /// Events kept for a slow (or absent) consumer of ``SandboxProvider/events``; the
        /// oldest are dropped beyond this.
        public var eventBufferLimit: Int

        public init(
            sessionKey: String = "sandbox", sentDelay: Duration = .milliseconds(100),
            deliveredDelay: Duration = .milliseconds(400), readDelay: Duration = .seconds(1),
            simulatesRead: Bool = true, historyLimit: Int = 500, eventBufferLimit: Int = 1000
        ) {
            self.sessionKey = sessionKey
            self.sentDelay = sentDelay
            self.deliveredDelay = deliveredDelay
            self.readDelay = readDelay
            self.simulatesRead = simulatesRead
            self.historyLimit = max(1, historyLimit)
            self.eventBufferLimit = max(1, eventBufferLimit)
        }
    }

    struct State {
        var history: [SandboxMessage] = []
        var simulations: [String: Task<Void, Never>] = [:]
        var uploads: Set<String> = []
        var injectedFailures: [ProviderError] = []
        var isShutDown = false
    }

    /// The simulation settings.
    public let configuration: Configuration
    /// Status updates and customer messages, in the order they happened. One consumer.
    public let events: AsyncStream<InboundEvent>
    let continuation: AsyncStream<InboundEvent>.Continuation
    let state = Mutex(State())

    /// Creates a sandbox session.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
        (events, continuation) = AsyncStream.makeStream(
            of: InboundEvent.self, bufferingPolicy: .bufferingNewest(configuration.eventBufferLimit))
    }

    deinit {
        shutdown()
    }

    public var kind: ProviderKind { .sandbox }

    public var capabilities: ProviderCapabilities {
        [.markAsRead, .typingIndicator, .mediaUpload, .interactive, .templates, .contacts, .reactions]
    }

    public func connect() async throws -> SessionConnection {
        SessionConnection(state: .connected, displayName: "Papo Sandbox")
    }

    public func connectionStatus() async throws -> SessionConnection {
        SessionConnection(state: .connected, displayName: "Papo Sandbox")
    }

    public func disconnect() async throws {}

    public func send(_ message: OutboundMessage, to recipient: PhoneNumber) async throws -> String {
        do {
            try message.validate()
        } catch {
            throw ProviderError.invalidMessage(error, provider: .sandbox)
        }
        let id = "sandbox." + UUID().uuidString.lowercased()
        try state.withLock { state in
            if !state.injectedFailures.isEmpty {
                throw state.injectedFailures.removeFirst()
            }
            if case .media(let media) = message.content, case .id(let mediaID) = media.source,
                !state.uploads.contains(mediaID)
            {
                throw ProviderError(
                    .permanent, code: "unknown_media", message: "no media was uploaded with that id", provider: .sandbox
                )
            }
            append(
                SandboxMessage(
                    id: id, direction: .outbound, customer: recipient, kind: message.kind, text: message.previewText,
                    message: message, status: .sending, timestamp: Date(), isReadByBusiness: false),
                to: &state)
            guard !state.isShutDown else { return }
            // Created under the lock: the task removes its own entry when done (taking the
            // lock), which therefore cannot happen before the entry is stored.
            state.simulations[id] = Task { [weak self, configuration] in
                var steps: [(Duration, MessageStatus)] = [
                    (configuration.sentDelay, .sent), (configuration.deliveredDelay, .delivered),
                ]
                if configuration.simulatesRead { steps.append((configuration.readDelay, .read)) }
                for (delay, status) in steps {
                    guard (try? await Task.sleep(for: delay)) != nil else { return }
                    self?.advance(id, to: status, recipient: recipient)
                }
                _ = self?.state.withLock { $0.simulations.removeValue(forKey: id) }
            }
        }
        return id
    }

    /// Marks a customer message read in the history.
    public func markAsRead(_ messageID: String, from customer: PhoneNumber) async throws {
        try state.withLock { state in
            guard let index = state.history.firstIndex(where: { $0.id == messageID && $0.direction == .inbound }) else {
                throw ProviderError(
                    .permanent, code: "unknown_message", message: "no customer message with that id", provider: .sandbox
                )
            }
            state.history[index].isReadByBusiness = true
        }
    }

    /// Accepted and forgotten: nobody is watching the simulated phone type.
    public func sendTypingIndicator(to customer: PhoneNumber, replyingTo messageID: String) async throws {}

    /// Remembers the id (not the bytes) so later sends can refer to it.
    public func uploadMedia(_ data: Data, mimeType: String, filename: String) async throws -> String {
        let id = "sandbox-media." + UUID().uuidString.lowercased()
        state.withLock { _ = $0.uploads.insert(id) }
        return id
    }

    /// Adds to the history, dropping the oldest beyond the limit.
    func append(_ message: SandboxMessage, to state: inout State) {
        state.history.append(message)
        let excess = state.history.count - configuration.historyLimit
        if excess > 0 { state.history.removeFirst(excess) }
    }
}
