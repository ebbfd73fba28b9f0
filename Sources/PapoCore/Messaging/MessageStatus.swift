/// Where a message is in its life, as stored in `messages.status`.
///
/// Outbound messages move forward along `queued → sending → sent → delivered → read →
/// played`; inbound messages are `received`. Provider webhooks arrive out of order and more
/// than once (Meta batches and retries for days), so a status is only ever replaced by one
/// further along — see ``canAdvance(to:)``.
public enum MessageStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Waiting in the outbox.
    case queued
    /// Handed to a provider, no answer yet.
    case sending
    /// The provider accepted it (Meta `sent`, Baileys `SERVER_ACK`).
    case sent
    /// It reached the customer's phone.
    case delivered
    /// The customer opened it.
    case read
    /// The customer played a voice note (after `read`).
    case played
    /// The provider gave up on it.
    case failed
    /// An inbound message from the customer.
    case received

    /// The position on the delivery path; `nil` for `failed` and `received`, which are off it.
    private var progress: Int? {
        switch self {
        case .queued: 0
        case .sending: 1
        case .sent: 2
        case .delivered: 3
        case .read: 4
        case .played: 5
        case .failed, .received: nil
        }
    }

    /// Whether a message at this status may take `next`.
    ///
    /// The rules:
    /// - Along the path, only forward: a late `delivered` never overwrites `read`, and a
    ///   repeated status is not a change.
    /// - `failed` is accepted up to and including `sent`. Meta accepts a send (`sent`) and
    ///   may report the failure later in a `statuses` webhook (131026 undeliverable, 131049
    ///   ecosystem limit), so `sent → failed` is a real transition. Once `delivered`, the phone
    ///   has the message and a `failed` can only be a stale report, so it is ignored.
    /// - After `failed`, only `delivered`, `read` or `played` are accepted: they are receipts
    ///   from the customer's phone and prove delivery whatever was reported before (webhook
    ///   order is not guaranteed). A new attempt after a failure is a new outbox row, not a
    ///   backward move.
    /// - `received` belongs to inbound messages and never changes.
    public func canAdvance(to next: MessageStatus) -> Bool {
        switch (self, next) {
        case (.received, _), (_, .received), (.failed, .failed):
            return false
        case (.failed, _):
            return next == .delivered || next == .read || next == .played
        case (_, .failed):
            return self == .queued || self == .sending || self == .sent
        default:
            guard let from = progress, let to = next.progress else { return false }
            return to > from
        }
    }

    /// The status after applying `next`: `next` when ``canAdvance(to:)`` allows it, else
    /// `self`.
    public func advanced(to next: MessageStatus) -> MessageStatus {
        canAdvance(to: next) ? next : self
    }
}
