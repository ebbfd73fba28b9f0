import Foundation
import PapoCore
import PapoProviders
import Testing

/// The simulated WhatsApp: ids, ordered statuses, customer messages and bounded history.
struct SandboxProviderTests {
    private func fast(historyLimit: Int = 500, simulatesRead: Bool = true) -> SandboxProvider {
        SandboxProvider(
            configuration: .init(
                sessionKey: "demo", sentDelay: .milliseconds(5), deliveredDelay: .milliseconds(5),
                readDelay: .milliseconds(5), simulatesRead: simulatesRead, historyLimit: historyLimit))
    }

    /// The next `count` events, or fewer if the stream ends or two seconds pass.
    private func next(_ count: Int, from sandbox: SandboxProvider) async -> [InboundEvent] {
        await withTaskGroup(of: [InboundEvent].self) { group in
            group.addTask {
                var events: [InboundEvent] = []
                for await event in sandbox.events {
                    events.append(event)
                    if events.count == count { break }
                }
                return events
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(2))
                return []
            }
            let first = await group.next() ?? []
            group.cancelAll()
            return first
        }
    }

    @Test func statusesArriveInOrderSentDeliveredRead() async throws {
        let sandbox = fast()
        let id = try await sandbox.send(.text("Olá!"), to: customer)
        #expect(id.hasPrefix("sandbox."))
        #expect(UUID(uuidString: String(id.dropFirst("sandbox.".count))) != nil)
        let events = await next(3, from: sandbox)
        let statuses = events.compactMap { event -> StatusUpdate? in
            if case .status(let update) = event { return update }
            return nil
        }
        #expect(statuses.map(\.status) == [.sent, .delivered, .read])
        #expect(statuses.allSatisfy { $0.providerMessageID == id && $0.sessionKey == "demo" })
        #expect(statuses.map(\.recipient) == Array(repeating: "16505551234", count: 3))
        #expect(sandbox.history().last?.status == .read)
        #expect(sandbox.history().last?.text == "Olá!")
        sandbox.shutdown()
    }

    @Test func withoutReadingTheLastStatusIsDelivered() async throws {
        let sandbox = fast(simulatesRead: false)
        let id = try await sandbox.send(.text("Oi"), to: customer)
        let events = await next(2, from: sandbox)
        #expect(events.count == 2)
        try await Task.sleep(for: .milliseconds(50))
        #expect(sandbox.history().first { $0.id == id }?.status == .delivered)
        sandbox.shutdown()
    }

    @Test func customerMessagesArriveOnTheSameStream() async throws {
        let sandbox = fast()
        let sent = sandbox.receive(from: customer, text: "Quero um apartamento", name: "Ana")
        let events = await next(1, from: sandbox)
        #expect(events == [.message(sent)])
        #expect(sent.sessionKey == "demo")
        #expect(sent.text == "Quero um apartamento")
        #expect(sent.contactName == "Ana")
        #expect(sent.phoneNumber == customer)
        #expect(sandbox.history(with: customer).map(\.direction) == [.inbound])
        try await sandbox.markAsRead(sent.providerMessageID, from: customer)
        #expect(sandbox.history().first?.isReadByBusiness == true)
        let unknown = await providerError { try await sandbox.markAsRead("sandbox.nope", from: customer) }
        #expect(unknown?.code == "unknown_message")
        sandbox.shutdown()
    }

    @Test func historyIsBoundedAndPerCustomer() async throws {
        let sandbox = fast(historyLimit: 3)
        let other = try PhoneNumber("+55 11 98888-7777")
        for index in 1...4 {
            _ = try await sandbox.send(.text("m\(index)"), to: index.isMultiple(of: 2) ? other : customer)
        }
        #expect(sandbox.history().map(\.text) == ["m2", "m3", "m4"])
        #expect(sandbox.history(with: other).map(\.text) == ["m2", "m4"])
        sandbox.shutdown()
    }

    @Test func validationInjectedFailuresAndMediaIDs() async throws {
        let sandbox = fast()
        #expect(await providerError { try await sandbox.send(.text(""), to: customer) }?.code == "invalid_message")
        sandbox.injectFailures(ProviderError(.retryable, code: "131000", message: "Something went wrong"), count: 2)
        #expect(await providerError { try await sandbox.send(.text("a"), to: customer) }?.code == "131000")
        #expect(await providerError { try await sandbox.send(.text("b"), to: customer) }?.isRetryable == true)
        #expect(await providerError { try await sandbox.send(.text("c"), to: customer) } == nil)

        let image = { (id: String) in OutboundMessage(.media(.init(kind: .image, source: .id(id)))) }
        #expect(await providerError { try await sandbox.send(image("123"), to: customer) }?.code == "unknown_media")
        let mediaID = try await sandbox.uploadMedia(Data([1, 2, 3]), mimeType: "image/png", filename: "a.png")
        #expect(mediaID.hasPrefix("sandbox-media."))
        #expect(try await sandbox.send(image(mediaID), to: customer).hasPrefix("sandbox."))
        sandbox.shutdown()
    }

    @Test func shutdownEndsTheStream() async throws {
        let sandbox = SandboxProvider(configuration: .init(sentDelay: .seconds(60)))
        _ = try await sandbox.send(.text("never sent"), to: customer)
        sandbox.shutdown()
        var count = 0
        for await _ in sandbox.events { count += 1 }
        #expect(count == 0)
        #expect(sandbox.history().first?.status == .sending)
    }
}
