import Foundation
public import Logging
public import PapoCore
public import PapoHTTP
public import PapoPostgres
public import PapoStore
public import ServiceLifecycle

/// Sends queued tenant webhook deliveries: claims due rows (any instance may run one; `SKIP
/// LOCKED` and a lease keep them apart), POSTs each event as signed JSON, and records the
/// outcome.
///
/// A 2xx answer delivers; 410 Gone deactivates the subscription; anything else (another
/// status, a timeout, a refused connection) is retried with exponential backoff and jitter
/// until ``Configuration/backoff``'s attempts or ``Configuration/maxRetryDuration`` run out,
/// then the delivery is `dead`. All state is in the database: a worker that stops mid-way
/// leaves a lease that runs out, and the delivery is claimed again by whoever runs next.
/// Woken by `NOTIFY papo_webhooks`, with a slow poll behind it.
public final class WebhookDeliveryWorker: Service, Sendable {
    public struct Configuration: Sendable {
        public var batchSize = 16
        /// How long a claimed delivery stays ours; longer than ``requestTimeout``.
        public var lease: Duration = .seconds(60)
        /// The whole request, connection included.
        public var requestTimeout: Duration = .seconds(10)
        public var backoff = Backoff(base: .seconds(5), cap: .seconds(3600), maxAttempts: 12)
        /// No retry is scheduled later than this after the first attempt (or a redelivery).
        public var maxRetryDuration: Duration = .seconds(24 * 3600)
        /// The slow poll behind `NOTIFY` wake-ups.
        public var pollInterval: Duration = .seconds(5)
        /// Whether receivers may sit at internal addresses (`PAPO_ALLOW_INTERNAL_URLS`); when
        /// not, a URL that resolves to one fails the attempt like any unreachable receiver.
        public var allowInternalTargets = false

        public init() {}
    }

    let store: WebhookStore
    let box: SecretBox
    let http: HTTPClient
    let listener: PostgresListener?
    let configuration: Configuration
    let logger: Logger
    private let signal = WakeSignal()

    public init(
        store: WebhookStore, box: SecretBox, http: HTTPClient, listener: PostgresListener?,
        configuration: Configuration = .init(), logger: Logger
    ) {
        self.store = store
        self.box = box
        self.http = http
        self.listener = listener
        self.configuration = configuration
        self.logger = logger
    }

    public func run() async throws {
        let wakeups = listener?.events(channel: EventLog.webhooksChannel)
        try await withGracefulShutdownHandler {
            try await withThrowingTaskGroup(of: Void.self) { group in
                if let wakeups {
                    group.addTask {
                        for await _ in wakeups { self.signal.fire() }
                    }
                }
                group.addTask { try await self.loop() }
                try await group.next()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.signal.finish()
        }
    }

    /// Stops the loop after the batch in flight (tests use it to stop a worker mid-way).
    public func stop() {
        signal.finish()
    }

    private func loop() async throws {
        while !signal.isFinished {
            let handled = await drainOnce()
            if handled == 0 {
                let next = (try? await store.nextDueIn()) ?? nil
                await signal.wait(upTo: min(next ?? configuration.pollInterval, configuration.pollInterval))
            }
        }
    }

    /// Claims and sends one batch; returns how many deliveries it handled.
    @discardableResult
    public func drainOnce() async -> Int {
        let batch: [ClaimedWebhookDelivery]
        do {
            batch = try await store.claimDue(limit: configuration.batchSize, lease: configuration.lease)
        } catch {
            logger.error("claiming webhook deliveries failed", metadata: ["error": "\(error)"])
            return 0
        }
        // One subscription's deliveries go out one after another, oldest first; different
        // subscriptions in parallel.
        var queues: [UUID: [ClaimedWebhookDelivery]] = [:]
        for claimed in batch { queues[claimed.delivery.subscriptionID, default: []].append(claimed) }
        await withTaskGroup(of: Void.self) { group in
            for queue in queues.values {
                group.addTask {
                    // After a 410 the rest of the queue was failed with the subscription.
                    for claimed in queue {
                        guard await self.deliver(claimed) else { break }
                    }
                }
            }
        }
        return batch.count
    }

    /// Sends one delivery and records the outcome; `false` when the subscription went away.
    @discardableResult
    func deliver(_ claimed: ClaimedWebhookDelivery) async -> Bool {
        let delivery = claimed.delivery
        var logger = logger
        logger[metadataKey: "tenant_id"] = .string(delivery.tenantID.uuidString.lowercased())
        logger[metadataKey: "delivery_id"] = .string(delivery.id.uuidString.lowercased())
        logger[metadataKey: "attempt"] = .stringConvertible(delivery.attempts)
        do {
            let secret = try box.open(claimed.sealedSecret, keyID: claimed.secretKeyID)
            var request = Self.request(for: claimed, secret: secret, timeout: configuration.requestTimeout)
            request.refuseInternalAddresses = !configuration.allowInternalTargets
            let status: Int
            let retryAfter: Duration?
            do {
                let response = try await http.execute(request)
                status = response.status
                retryAfter = response.headers["Retry-After"].flatMap(Int.init).map { .seconds(min(max($0, 0), 3600)) }
            } catch let error as HTTPClientError {
                try await retryOrBury(
                    claimed, statusCode: nil, error: "\(error.code): \(error.message)", logger: logger)
                return true
            }
            switch status {
            case 200..<300:
                try await store.markDelivered(claimed, statusCode: status)
                logger.debug("webhook delivered", metadata: ["status": "\(status)"])
            case 410:
                try await store.markGone(claimed, statusCode: status)
                logger.notice("webhook receiver answered 410 Gone; subscription deactivated")
                return false
            default:
                try await retryOrBury(
                    claimed, statusCode: status, error: "the receiver answered HTTP \(status)", notBefore: retryAfter,
                    logger: logger)
            }
        } catch {
            // The lease runs out and the delivery is claimed again: late, never lost.
            logger.error("recording a webhook outcome failed", metadata: ["error": "\(error)"])
        }
        return true
    }

    private func retryOrBury(
        _ claimed: ClaimedWebhookDelivery, statusCode: Int?, error: String, notBefore: Duration? = nil,
        logger: Logger
    ) async throws {
        let delivery = claimed.delivery
        let elapsed = Date().timeIntervalSince(delivery.retryWindowStart)
        let limit = Self.seconds(configuration.maxRetryDuration)
        if let delay = configuration.backoff.delay(afterAttempt: delivery.attempts, notBefore: notBefore),
            elapsed + Self.seconds(delay) <= limit
        {
            try await store.scheduleRetry(
                claimed, at: Date().addingTimeInterval(Self.seconds(delay)), statusCode: statusCode, error: error)
            logger.warning("webhook delivery failed; will retry", metadata: ["error": "\(error)", "delay": "\(delay)"])
        } else {
            try await store.markDead(
                claimed, statusCode: statusCode, error: "gave up after \(delivery.attempts) attempts: \(error)")
            logger.error("webhook delivery failed; retries used up", metadata: ["error": "\(error)"])
        }
    }

    /// The signed POST for one delivery.
    static func request(for claimed: ClaimedWebhookDelivery, secret: Data, timeout: Duration) -> HTTPClientRequest {
        let delivery = claimed.delivery
        let body = Data(WebhookEnvelope.body(of: delivery).utf8)
        let timestamp = String(Int(Date().timeIntervalSince1970))
        var request = HTTPClientRequest(
            method: .post, url: claimed.url,
            headers: [
                "Content-Type": "application/json",
                "User-Agent": "papo-webhooks/\(PapoVersion.current)",
                "X-Papo-Event-Id": delivery.eventID.uuidString.lowercased(),
                "X-Papo-Event-Type": delivery.eventType,
                "X-Papo-Delivery-Id": delivery.id.uuidString.lowercased(),
                "X-Papo-Attempt": String(delivery.attempts),
                "X-Papo-Timestamp": timestamp,
                "X-Papo-Signature": WebhookSignature.sign(body: body, timestamp: timestamp, secret: secret),
            ],
            body: body)
        request.timeout = timeout
        request.connectTimeout = min(timeout, .seconds(5))
        request.maxResponseSize = 1 << 20
        return request
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// The JSON body of a webhook: `{"id", "type", "created_at", "data"}`, `id` being the event's
/// stable id (the same on every retry), `data` the event payload.
public enum WebhookEnvelope {
    public static func body(of delivery: WebhookDelivery) -> String {
        JSONValue.object([
            "id": .string(delivery.eventID.uuidString.lowercased()),
            "type": .string(delivery.eventType),
            "created_at": .string(EventStreamController.createdAtFormat.format(delivery.eventCreatedAt)),
            "data": delivery.payload,
        ]).jsonText
    }
}
