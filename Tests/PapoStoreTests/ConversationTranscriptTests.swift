import Foundation
import PapoCore
import PapoStore
import Testing

@Suite("Conversation actions and transcripts")
struct ConversationTranscriptTests {
    @Test("operators take over from the bot, hand back to it and close; nothing moves a closed conversation")
    func transitions() {
        let table: [(ConversationAction, ConversationState, ConversationState?)] = [
            (.takeover, .bot, .human), (.takeover, .paused, .human), (.takeover, .human, nil),
            (.takeover, .closed, nil),
            (.release, .human, .bot), (.release, .paused, .bot), (.release, .bot, nil), (.release, .closed, nil),
            (.close, .bot, .closed), (.close, .paused, .closed), (.close, .human, .closed), (.close, .closed, nil),
        ]
        for (action, from, to) in table {
            #expect(action.target(from: from) == to, "\(action) from \(from)")
        }
        #expect(ConversationAction.release.refusal(from: .closed).contains("closed"))
        #expect(ConversationAction.takeover.refusal(from: .human).contains("human"))
    }

    func message(_ seq: Int64, _ direction: String = "inbound") -> TranscriptMessage {
        TranscriptMessage(
            seq: seq, direction: direction, author: direction == "inbound" ? "customer" : "bot",
            content: ["body": .string("m\(seq)")])
    }

    func call(_ seq: Int64, after: Int64, round: Int = 1) -> ToolCallRecord {
        ToolCallRecord(
            seq: seq, afterSeq: after, round: round, callID: "c\(seq)", name: "t\(seq)", arguments: "{}", result: "ok")
    }

    func shape(_ entries: [TranscriptEntry]) -> [String] {
        entries.map {
            switch $0 {
            case .message(let message): "m\(message.seq)"
            case .toolCall(let call): "t\(call.seq ?? -1)"
            }
        }
    }

    @Test("tool calls sit after the customer message they answered, in round order, before the reply")
    func interleave() {
        let messages = [message(1), message(2, "outbound"), message(3), message(5), message(6, "outbound")]
        let calls = [call(12, after: 5, round: 1), call(10, after: 1, round: 2), call(11, after: 1, round: 1)]
        let entries = TranscriptEntry.interleave(messages: messages, toolCalls: calls)
        #expect(shape(entries) == ["m1", "t11", "t10", "m2", "m3", "m5", "t12", "m6"])
    }

    @Test("a call whose anchor message is missing still lands where the anchor would be")
    func missingAnchor() {
        let messages = [message(1), message(4, "outbound")]
        let entries = TranscriptEntry.interleave(
            messages: messages, toolCalls: [call(1, after: 2), call(2, after: 9)])
        #expect(shape(entries) == ["m1", "t1", "m4", "t2"])
        #expect(TranscriptEntry.interleave(messages: [], toolCalls: [call(1, after: 2)]).count == 1)
    }

    @Test("inbox cursors survive the round trip through their text and reject anything else")
    func cursor() {
        let cursor = InboxCursor(activityMicros: 1_700_000_000_123_456, id: UUID())
        #expect(InboxCursor(cursor.description) == cursor)
        #expect(InboxCursor("abc") == nil)
        #expect(InboxCursor("12_not-a-uuid") == nil)
    }
}
