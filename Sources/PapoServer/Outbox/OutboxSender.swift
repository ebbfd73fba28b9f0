import Foundation
public import Logging
public import PapoCore
public import PapoPostgres
public import PapoProviders
public import PapoStore
public import ServiceLifecycle
import Synchronization

/// Delivers the outbox: claims due messages, sends each through its session's provider (with
/// the circuit breaker and fallback of ``ProviderRouter``), and records the outcome.
///
/// Retryable failures come back later with exponential backoff and jitter until the attempt
/// limit, then fail with the last error; permanent failures fail at once with the provider's
/// code and message; 131047 fails with advice to send a template. Nothing is dropped: a message
/// claimed by a process that dies is claimed again when its lease runs out.
public final class OutboxSender: Service, Sendable {
    public struct Configuration: Sendable {
        public var batchSize = 32
        /// How long a claimed message stays ours before another sender may retry it.
        public var lease: Duration = .seconds(60)
        public var backoff = Backoff(base: .seconds(1), cap: .seconds(300), maxAttempts: 8)
        /// The slow poll behind LISTEN/NOTIFY wake-ups.
        public var pollInterval: Duration = .seconds(2)
        /// Sends per second per business number, and per recipient (Meta's pair limit).
        public var numberRate = SendPacer.Rate.businessNumber
        public var recipientRate = SendPacer.Rate.recipient
        /// A message that would wait longer than this for its pacing slot goes back to the outbox
        /// instead of holding its lease.
        public var maxPacingWait: Duration = .seconds(20)

        public init() {}
    }

    let messages: MessageStore
    let sessions: SessionStore
    let directory: any ProviderDirectory
    let router: ProviderRouter
    let listener: PostgresListener?
    let media: MediaStore?
    let configuration: Configuration
    let logger: Logger

    public init(
        messages: MessageStore, sessions: SessionStore, directory: any ProviderDirectory, router: ProviderRouter,
        listener: PostgresListener?, media: MediaStore? = nil, configuration: Configuration = .init(), logger: Logger
    ) {
        self.media = media
        self.messages = messages
        self.sessions = sessions
        self.directory = directory
        self.router = router
        self.listener = listener
        self.configuration = configuration
        self.logger = logger
        pacer.withLock {
            $0 = SendPacer(numberRate: configuration.numberRate, recipientRate: configuration.recipientRate)
        }
    }

    public func run() async throws {
        let wakeups = listener?.events(channel: "papo_outbox")
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let wakeups {
                    group.addTask {
                        for await _ in wakeups { self.wake() }
                    }
                }
                group.addTask { try await self.loop() }
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.stop()
        }
    }

    private let signal = WakeSignal()
    private let pacer = Mutex(SendPacer())

    func wake() { signal.fire() }
    func stop() { signal.finish() }

    private func loop() async throws {
        while !signal.isFinished {
            let delivered = try await drainOnce()
            if delivered == 0 { await signal.wait(upTo: configuration.pollInterval) }
        }
    }

    /// Claims and sends one batch; returns how many messages it handled.
    @discardableResult
    public func drainOnce() async throws -> Int {
        let batch: [StoredMessage]
        do {
            batch = try await messages.claimDue(limit: configuration.batchSize, lease: configuration.lease)
        } catch {
            logger.error("claiming due messages failed", metadata: ["error": "\(error)"])
            return 0
        }
        // One conversation's messages go out one after another, in the order they were queued;
        // different recipients go out in parallel.
        var queues: [String: [StoredMessage]] = [:]
        var order: [String] = []
        for message in batch {
            let key = message.sessionID.uuidString + "/" + message.customerNumber
            if queues[key] == nil { order.append(key) }
            queues[key, default: []].append(message)
        }
        await withTaskGroup(of: Void.self) { group in
            for key in order {
                let queue = queues[key] ?? []
                group.addTask {
                    for message in queue { await self.paceAndDeliver(message) }
                }
            }
        }
        pacer.withLock { $0.prune(now: .now) }
        return batch.count
    }

    func paceAndDeliver(_ message: StoredMessage) async {
        let wait = pacer.withLock {
            $0.reserve(number: message.sessionID.uuidString, recipient: message.customerNumber, now: .now)
        }
        if wait > configuration.maxPacingWait {
            let due = Date().addingTimeInterval(Double(wait.components.seconds))
            try? await messages.postpone(message, until: due)
            return
        }
        if wait > .zero { try? await Task.sleep(for: wait) }
        await deliver(message)
    }

    func deliver(_ message: StoredMessage) async {
        var logger = logger
        logger[metadataKey: "message_id"] = .string(message.id.uuidString.lowercased())
        logger[metadataKey: "attempt"] = .stringConvertible(message.attempts)
        do {
            let request: SendRequest
            switch SendRequest.restore(content: message.content, recipient: message.customerNumber) {
            case .success(let restored): request = restored
            case .failure(let error):
                try await messages.markFailed(message, code: "invalid_stored_message", reason: error.summary)
                return
            }
            guard let session = try await sessions.session(id: message.sessionID, tenantID: message.tenantID) else {
                try await messages.markFailed(message, code: "session_gone", reason: "the session was removed")
                return
            }
            let provider = try await directory.provider(for: session)
            let outbound = try await resolvingLocalMedia(request.message, session: session, provider: provider)
            let delivery = try await router.send(
                outbound, to: request.recipient, session: session.id.uuidString, preferred: provider,
                fallback: { await self.fallback(for: session) })
            try await messages.markSent(
                message, provider: delivery.provider, providerMessageID: delivery.providerMessageID)
            logger.debug("message sent", metadata: ["provider": "\(delivery.provider.rawValue)"])
        } catch let error as ProviderError {
            await record(error, for: message, logger: logger)
        } catch {
            // Transport and database trouble: treat as retryable so the message is not lost.
            await record(
                ProviderError(.retryable, code: "transport", message: "\(error)", provider: message.provider),
                for: message,
                logger: logger)
        }
    }

    /// The provider of the tenant's fallback kind, through one of its sessions of that kind;
    /// `nil` when the tenant has none (or it cannot send yet), so a failure is simply retried.
    func fallback(for session: SessionRecord) async -> (any WhatsAppProvider)? {
        do {
            guard let kind = try await sessions.fallbackProvider(tenantID: session.tenantID), kind != session.provider,
                let other = try await sessions.session(tenantID: session.tenantID, provider: kind)
            else { return nil }
            return try await directory.provider(for: other)
        } catch {
            logger.debug("no usable fallback provider", metadata: ["error": "\(error)"])
            return nil
        }
    }

    /// Swaps a file uploaded to Papo for the provider's media id, uploading it the first time.
    func resolvingLocalMedia(
        _ message: OutboundMessage, session: SessionRecord, provider: any WhatsAppProvider
    ) async throws -> OutboundMessage {
        guard case .media(var content) = message.content, let sha = LocalMedia.reference(in: content.source) else {
            return message
        }
        guard let media, let record = try await media.media(tenantID: session.tenantID, sha256: sha) else {
            throw ProviderError(
                .permanent, code: "media_missing", message: "the uploaded file \(sha) is no longer stored",
                provider: provider.kind)
        }
        // Provider media ids belong to one number (Meta) or gateway, hence the session in the key.
        let key = provider.kind.rawValue + ":" + session.id.uuidString.lowercased()
        let id: String
        if let known = record.providerMediaIDs[key]?.stringValue {
            id = known
        } else {
            let data = try Data(contentsOf: URL(fileURLWithPath: record.storagePath))
            id = try await provider.uploadMedia(data, mimeType: record.mimeType, filename: record.filename ?? sha)
            try await media.setProviderMediaID(tenantID: session.tenantID, sha256: sha, key: key, id: id)
        }
        content.source = .id(id)
        var resolved = message
        resolved.content = .media(content)
        return resolved
    }

    private func record(_ error: ProviderError, for message: StoredMessage, logger: Logger) async {
        do {
            switch error.classification {
            case .retryable:
                if let delay = configuration.backoff.delay(afterAttempt: message.attempts, notBefore: error.retryAfter)
                {
                    let due = Date().addingTimeInterval(
                        Double(delay.components.seconds) + Double(delay.components.attoseconds) / 1e18)
                    try await messages.scheduleRetry(message, at: due, code: error.code, reason: error.message)
                    logger.warning("send failed; will retry", metadata: ["code": "\(error.code)", "delay": "\(delay)"])
                } else {
                    try await messages.markFailed(
                        message, code: error.code,
                        reason: "gave up after \(message.attempts) attempts: \(error.message)")
                    logger.error("send failed; attempts exhausted", metadata: ["code": "\(error.code)"])
                }
            case .needsTemplate:
                try await messages.markFailed(
                    message, code: error.code,
                    reason: "outside the 24-hour customer service window: send an approved template (\(error.message))")
            case .permanent:
                try await messages.markFailed(message, code: error.code, reason: error.message)
                logger.error("send failed permanently", metadata: ["code": "\(error.code)"])
            }
        } catch {
            // The lease expires and the message is claimed again: recorded late, never lost.
            logger.error("recording a send outcome failed", metadata: ["error": "\(error)"])
        }
    }
}
