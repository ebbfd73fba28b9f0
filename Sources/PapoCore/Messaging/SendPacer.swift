/// Paces sends with token buckets: one per business number (Meta allows 80 msg/s by default)
/// and one per recipient (the pair limit is about one message per 6 s, with short bursts).
///
/// `reserve` never blocks: it takes a token now or books the next free one and says how long
/// to wait, so callers sleep outside any lock and reservations stay in call order.
public struct SendPacer: Sendable {
    /// A rate and the burst allowed on top of it.
    public struct Rate: Sendable, Hashable {
        public var perSecond: Double
        public var burst: Double

        public init(perSecond: Double, burst: Double) {
            self.perSecond = perSecond
            self.burst = burst
        }

        /// Meta's default business-number throughput.
        public static let businessNumber = Rate(perSecond: 80, burst: 80)
        /// Meta's pair rate (10 a minute) with a burst so a split reply goes out together.
        public static let recipient = Rate(perSecond: 1.0 / 6.0, burst: 6)
    }

    struct Bucket: Sendable {
        var tokens: Double
        var updated: ContinuousClock.Instant
    }

    public var numberRate: Rate
    public var recipientRate: Rate
    var buckets: [String: Bucket] = [:]

    public init(numberRate: Rate = .businessNumber, recipientRate: Rate = .recipient) {
        self.numberRate = numberRate
        self.recipientRate = recipientRate
    }

    /// Books one send from `number` to `recipient` at `now`; returns how long to wait first.
    public mutating func reserve(number: String, recipient: String, now: ContinuousClock.Instant) -> Duration {
        let numberWait = take("n:" + number, rate: numberRate, now: now)
        let recipientWait = take("r:" + number + ":" + recipient, rate: recipientRate, now: now)
        return max(numberWait, recipientWait)
    }

    /// Takes a token, letting the balance go negative: a negative balance is a queue of booked
    /// sends, and its depth divided by the rate is the wait.
    private mutating func take(_ key: String, rate: Rate, now: ContinuousClock.Instant) -> Duration {
        var bucket = buckets[key] ?? Bucket(tokens: rate.burst, updated: now)
        let elapsed = now - bucket.updated
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        bucket.tokens = min(rate.burst, bucket.tokens + max(0, seconds) * rate.perSecond)
        bucket.updated = now
        bucket.tokens -= 1
        buckets[key] = bucket
        guard bucket.tokens < 0 else { return .zero }
        return .milliseconds(Int64((-bucket.tokens / rate.perSecond * 1000).rounded(.up)))
    }

    /// Forgets buckets that have refilled completely, so idle recipients do not pile up.
    public mutating func prune(now: ContinuousClock.Instant) {
        buckets = buckets.filter { key, bucket in
            let rate = key.hasPrefix("n:") ? numberRate : recipientRate
            let elapsed = now - bucket.updated
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            return bucket.tokens + seconds * rate.perSecond < rate.burst
        }
    }
}
