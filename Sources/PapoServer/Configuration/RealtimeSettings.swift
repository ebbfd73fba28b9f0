import Foundation
import PapoCore

/// Settings of realtime events and outgoing webhooks, read from the environment.
///
/// Durations are written as a number with a unit: `500ms`, `30s`, `15m`, `24h`, `7d` (a bare
/// number is seconds).
public struct RealtimeSettings: Sendable, Equatable {
    /// `PAPO_EVENTS_RETENTION`: how long events stay resumable.
    public var eventsRetention: Duration = .seconds(24 * 3600)
    /// `PAPO_REALTIME_HEARTBEAT`: the idle interval between heartbeats on a stream.
    public var heartbeat: Duration = .seconds(15)
    /// `PAPO_REALTIME_BUFFER`: events buffered per client before a slow client is cut off.
    public var clientBuffer = 256
    /// `PAPO_WEBHOOK_MAX_ATTEMPTS`: attempts per delivery, the first included.
    public var webhookMaxAttempts = 12
    /// `PAPO_WEBHOOK_MAX_RETRY`: no retry later than this after the first attempt.
    public var webhookMaxRetry: Duration = .seconds(24 * 3600)
    /// `PAPO_WEBHOOK_BACKOFF`: the ceiling of the first retry's delay (doubling, capped at 1 h).
    public var webhookBackoff: Duration = .seconds(5)
    /// `PAPO_WEBHOOK_TIMEOUT`: the time a receiver has to answer.
    public var webhookTimeout: Duration = .seconds(10)
    /// `PAPO_ALLOW_INTERNAL_URLS`: whether URLs tenants supply (webhook subscriptions, their own
    /// LLM base URL) may reach internal addresses — loopback, private networks, link-local
    /// (cloud metadata). Off by default; for a single-tenant install or local development.
    public var allowInternalURLs = false

    public init() {}

    public static func load(environment: [String: String]) throws -> RealtimeSettings {
        var settings = RealtimeSettings()
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func duration(_ name: String, minimum: Duration) throws -> Duration? {
            guard let text = value(name) else { return nil }
            guard let parsed = parseDuration(text), parsed >= minimum else {
                throw ConfigurationError(
                    "\(name) must be a duration of at least \(minimum), like 30s, 15m or 24h; got '\(text)'")
            }
            return parsed
        }
        func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
            guard let text = value(name) else { return nil }
            guard let number = Int(text), range.contains(number) else {
                throw ConfigurationError(
                    "\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound); got '\(text)'")
            }
            return number
        }
        settings.eventsRetention =
            try duration("PAPO_EVENTS_RETENTION", minimum: .seconds(60)) ?? settings.eventsRetention
        settings.heartbeat = try duration("PAPO_REALTIME_HEARTBEAT", minimum: .seconds(1)) ?? settings.heartbeat
        settings.clientBuffer = try integer("PAPO_REALTIME_BUFFER", in: 8...100_000) ?? settings.clientBuffer
        settings.webhookMaxAttempts =
            try integer("PAPO_WEBHOOK_MAX_ATTEMPTS", in: 1...100) ?? settings.webhookMaxAttempts
        settings.webhookMaxRetry =
            try duration("PAPO_WEBHOOK_MAX_RETRY", minimum: .seconds(1)) ?? settings.webhookMaxRetry
        settings.webhookBackoff =
            try duration("PAPO_WEBHOOK_BACKOFF", minimum: .milliseconds(10)) ?? settings.webhookBackoff
        settings.webhookTimeout = try duration("PAPO_WEBHOOK_TIMEOUT", minimum: .seconds(1)) ?? settings.webhookTimeout
        if let text = value("PAPO_ALLOW_INTERNAL_URLS") {
            switch text.lowercased() {
            case "1", "true", "yes", "on": settings.allowInternalURLs = true
            case "0", "false", "no", "off": settings.allowInternalURLs = false
            default: throw ConfigurationError("PAPO_ALLOW_INTERNAL_URLS must be true or false; got '\(text)'")
            }
        }
        return settings
    }

    /// `500ms`, `30s`, `15m`, `24h`, `7d`, or a bare number of seconds.
    public static func parseDuration(_ text: String) -> Duration? {
        let units: [(suffix: String, seconds: Double)] = [
            ("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86400),
        ]
        for unit in units where text.hasSuffix(unit.suffix) {
            guard let number = Double(text.dropLast(unit.suffix.count)), number.isFinite, number >= 0 else {
                continue
            }
            return .milliseconds(Int64(number * unit.seconds * 1000))
        }
        guard let seconds = Double(text), seconds.isFinite, seconds >= 0 else { return nil }
        return .milliseconds(Int64(seconds * 1000))
    }

    /// The webhook worker's settings.
    public var webhookWorker: WebhookDeliveryWorker.Configuration {
        var configuration = WebhookDeliveryWorker.Configuration()
        configuration.backoff = Backoff(
            base: webhookBackoff, cap: max(webhookBackoff, .seconds(3600)), maxAttempts: webhookMaxAttempts)
        configuration.maxRetryDuration = webhookMaxRetry
        configuration.requestTimeout = webhookTimeout
        configuration.lease = max(.seconds(30), webhookTimeout * 3)
        configuration.allowInternalTargets = allowInternalURLs
        return configuration
    }

    /// The event hub's settings.
    public var hub: EventHub.Configuration {
        var configuration = EventHub.Configuration()
        configuration.bufferSize = clientBuffer
        configuration.heartbeatInterval = heartbeat
        return configuration
    }
}
