import PapoCore
import Testing

struct MessageStatusTests {
    @Test func movesForwardAlongTheDeliveryPath() {
        let path: [MessageStatus] = [.queued, .sending, .sent, .delivered, .read, .played]
        for (index, status) in path.enumerated() {
            for later in path[(index + 1)...] {
                #expect(status.canAdvance(to: later), "\(status) → \(later)")
            }
            for earlier in path[...index] {
                #expect(!status.canAdvance(to: earlier), "\(status) → \(earlier)")
            }
        }
    }

    @Test func aLateDeliveredNeverOverwritesRead() {
        #expect(MessageStatus.read.advanced(to: .delivered) == .read)
        #expect(MessageStatus.read.advanced(to: .sent) == .read)
        #expect(MessageStatus.played.advanced(to: .read) == .played)
        #expect(MessageStatus.sent.advanced(to: .read) == .read)
    }

    @Test func outOfOrderWebhooksEndAtTheFurthestStatus() {
        var status = MessageStatus.sending
        for incoming: MessageStatus in [.read, .sent, .delivered, .sent, .read] {
            status = status.advanced(to: incoming)
        }
        #expect(status == .read)
    }

    @Test func failedIsAcceptedUpToSentOnly() {
        #expect(MessageStatus.queued.canAdvance(to: .failed))
        #expect(MessageStatus.sending.canAdvance(to: .failed))
        #expect(MessageStatus.sent.canAdvance(to: .failed))
        #expect(!MessageStatus.delivered.canAdvance(to: .failed))
        #expect(!MessageStatus.read.canAdvance(to: .failed))
        #expect(!MessageStatus.played.canAdvance(to: .failed))
        #expect(!MessageStatus.failed.canAdvance(to: .failed))
    }

    @Test func receiptsFromThePhoneOverrideAnEarlierFailure() {
        #expect(MessageStatus.failed.advanced(to: .delivered) == .delivered)
        #expect(MessageStatus.failed.advanced(to: .read) == .read)
        #expect(MessageStatus.failed.advanced(to: .sent) == .failed)
        #expect(MessageStatus.failed.advanced(to: .queued) == .failed)
    }

    @Test func receivedNeverChanges() {
        for status in MessageStatus.allCases {
            #expect(!MessageStatus.received.canAdvance(to: status))
            #expect(!status.canAdvance(to: .received))
        }
    }

    @Test func rawValuesMatchTheDatabaseColumn() {
        #expect(
            MessageStatus.allCases.map(\.rawValue) == [
                "queued", "sending", "sent", "delivered", "read", "played", "failed", "received",
            ])
    }
}
