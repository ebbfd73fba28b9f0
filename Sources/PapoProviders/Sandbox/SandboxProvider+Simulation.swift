import Foundation
public import PapoCore
import Synchronization

extension SandboxProvider {
    /// Plays the customer: `text` from `customer` enters the history and arrives on
    /// ``events`` as a customer message.
    @discardableResult
    public func receive(
        from customer: PhoneNumber, text: String, name: String? = nil, replyTo: String? = nil
    ) -> InboundMessage {
        let message = InboundMessage(
            sessionKey: configuration.sessionKey, providerMessageID: "sandbox." + UUID().uuidString.lowercased(),
            from: customer.digits, phoneNumber: customer, timestamp: Date(), kind: .text,
            content: .object(["body": .string(text)]), text: text, contactName: name, replyTo: replyTo)
        state.withLock { state in
            append(
                SandboxMessage(
                    id: message.providerMessageID, direction: .inbound, customer: customer, kind: .text, text: text,
                    message: nil, status: .received, timestamp: message.timestamp, isReadByBusiness: false),
                to: &state)
            continuation.yield(.message(message))
        }
        return message
    }

    /// The chat history, oldest first; only the chat with `customer` when given.
    public func history(with customer: PhoneNumber? = nil) -> [SandboxMessage] {
        state.withLock { state in
            guard let customer else { return state.history }
            return state.history.filter { $0.customer == customer }
        }
    }

    /// Makes the next sends fail with `error`, once per element, to exercise retries and
    /// fallbacks.
    public func injectFailures(_ error: ProviderError, count: Int = 1) {
        state.withLock { $0.injectedFailures += Array(repeating: error, count: count) }
    }

    /// Stops the pending status simulations and ends ``events``. Sends still work and are
    /// recorded, without statuses.
    public func shutdown() {
        let tasks = state.withLock { state in
            state.isShutDown = true
            defer { state.simulations.removeAll() }
            return Array(state.simulations.values)
        }
        for task in tasks { task.cancel() }
        continuation.finish()
    }

    /// Moves an outbound message to `status` and reports it.
    func advance(_ id: String, to status: MessageStatus, recipient: PhoneNumber) {
        state.withLock { state in
            if let index = state.history.lastIndex(where: { $0.id == id }) {
                state.history[index].status = state.history[index].status.advanced(to: status)
            }
            // Yielding under the lock keeps events in the order the history changed.
            continuation.yield(
                .status(
                    StatusUpdate(
                        sessionKey: configuration.sessionKey, providerMessageID: id, status: status,
                        timestamp: Date(), recipient: recipient.digits)))
        }
    }
}
