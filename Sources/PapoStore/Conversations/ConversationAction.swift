/// What an operator can do to a conversation from the conversations API.
///
/// The table of allowed moves is here, apart from the SQL, so it can be read (and tested) in
/// one place: taking over needs a conversation the bot or a paused bot holds, releasing one a
/// human or a pause holds, and closing anything still open. Everything else — a repeated
/// action, anything on a closed conversation — is refused rather than silently ignored, so a
/// client learns that its view of the conversation was stale.
public enum ConversationAction: String, Sendable, Hashable, CaseIterable {
    /// An operator answers from now on; the bot's pending turn is dropped.
    case takeover
    /// The bot answers again.
    case release
    /// The conversation ends; the customer's next message opens a new one.
    case close

    /// The state this action leads to from `state`, or `nil` when it is not allowed there.
    public func target(from state: ConversationState) -> ConversationState? {
        switch (self, state) {
        case (.takeover, .bot), (.takeover, .paused): .human
        case (.release, .human), (.release, .paused): .bot
        case (.close, .bot), (.close, .paused), (.close, .human): .closed
        default: nil
        }
    }

    /// Why the action is refused from `state`, for the 409 message.
    public func refusal(from state: ConversationState) -> String {
        switch (self, state) {
        case (_, .closed): "the conversation is closed; the customer's next message opens a new one"
        case (.takeover, .human): "a human already holds the conversation"
        case (.release, .bot): "the bot already answers the conversation"
        default: "cannot \(rawValue) a conversation in state \(state.rawValue)"
        }
    }
}
