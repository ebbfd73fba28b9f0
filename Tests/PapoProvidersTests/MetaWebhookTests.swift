import Foundation
import PapoCore
import PapoProviders
import PapoTestKit
import Testing

/// Webhook verification, signatures and parsing (meta-cloud-api.md §4).
struct MetaWebhookTests {
    let webhook = MetaWebhook(verifyToken: "my-verify-token", appSecret: "app-secret-123")

    @Test func verificationEchoesTheChallengeOnlyForTheRightToken() {
        let query = ["hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": "my-verify-token"]
        #expect(webhook.challengeResponse(query: query) == "1158201444")
        var wrong = query
        wrong["hub.verify_token"] = "my-verify-tokem"
        #expect(webhook.challengeResponse(query: wrong) == nil)
        wrong = query
        wrong["hub.mode"] = "unsubscribe"
        #expect(webhook.challengeResponse(query: wrong) == nil)
        wrong = query
        wrong["hub.challenge"] = nil
        #expect(webhook.challengeResponse(query: wrong) == nil)
        #expect(webhook.challengeResponse(mode: "subscribe", verifyToken: nil, challenge: "1") == nil)
    }

    @Test func signatureAcceptsTheRawBodyAndRejectsTamperingOrAnotherSecret() {
        let payload = body(#"{"object":"whatsapp_business_account","entry":[]}"#)
        let signature = FakeGraphAPI.signature(for: payload, appSecret: "app-secret-123")
        #expect(signature.hasPrefix("sha256=") && signature.count == 71)
        #expect(webhook.isValidSignature(signature, body: payload))
        #expect(
            webhook.isValidSignature(
                signature.uppercased().replacingOccurrences(of: "SHA256=", with: "sha256="),
                body: payload))
        #expect(
            !webhook.isValidSignature(signature, body: body(#"{"object":"whatsapp_business_account","entry":[{}]}"#)))
        #expect(!webhook.isValidSignature(FakeGraphAPI.signature(for: payload, appSecret: "other"), body: payload))
        #expect(!webhook.isValidSignature(nil, body: payload))
        #expect(!webhook.isValidSignature(String(signature.dropFirst("sha256=".count)), body: payload))
        #expect(!webhook.isValidSignature(String(signature.dropLast()), body: payload))
        #expect(!webhook.isValidSignature(String(signature.dropLast()) + "g", body: payload))
    }

    @Test func signatureOverTheUnicodeEscapedPayloadIsAccepted() {
        let raw = body(#"{"text":"äöå"}"#)
        let escaped = body(#"{"text":"\u00e4\u00f6\u00e5"}"#)
        let signedEscaped = FakeGraphAPI.signature(for: escaped, appSecret: "app-secret-123")
        #expect(webhook.isValidSignature(signedEscaped, body: raw))
        #expect(webhook.isValidSignature(signedEscaped, body: escaped))
        #expect(!webhook.isValidSignature(signedEscaped, body: body(#"{"text":"äöa"}"#)))
    }

    @Test func descriptionHidesBothSecrets() {
        #expect(!webhook.description.contains("my-verify-token"))
        #expect(!webhook.description.contains("app-secret-123"))
    }

    @Test func parsesTheDocumentedTextMessage() throws {
        let events = try MetaWebhook.parse(body(MetaSamples.text))
        #expect(
            events == [
                .message(
                    InboundMessage(
                        sessionKey: "106540352242922",
                        providerMessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA=",
                        from: "16505551234", phoneNumber: customer,
                        timestamp: Date(timeIntervalSince1970: 1_749_416_383),
                        kind: .text, content: ["body": "Does it come in another color?"],
                        text: "Does it come in another color?",
                        contactName: "Sheena Nelson"))
            ])
    }

    @Test func parsesImagesAndRepliesWithContext() throws {
        let events = try MetaWebhook.parse(body(MetaSamples.imageReply))
        guard case .message(let image) = try #require(events.first) else {
            Issue.record("expected a message, got \(events)")
            return
        }
        #expect(image.kind == .image)
        #expect(image.text == "Blue, please")
        #expect(image.content["id"] == "1479537139650973")
        #expect(image.content["mime_type"] == "image/jpeg")
        #expect(image.replyTo == "wamid.OUT1")
        #expect(image.isForwarded)
    }

    @Test func parsesButtonAndListReplies() throws {
        let events = try MetaWebhook.parse(body(MetaSamples.interactiveReplies))
        let messages = events.compactMap { event -> InboundMessage? in
            if case .message(let message) = event { return message }
            return nil
        }
        #expect(messages.map(\.kind) == [.interactive, .interactive, .button])
        #expect(messages.map(\.text) == ["Change", "Priority Mail Express", "Yes, confirm"])
        #expect(messages[0].content["button_reply"]?["id"] == "change-button")
        #expect(messages[1].content["list_reply"]?["id"] == "priority_express")
        #expect(messages[0].replyTo == "wamid.BUTTONS")
    }

    @Test func parsesStatusesIncludingFailures() throws {
        let events = try MetaWebhook.parse(body(MetaSamples.statuses))
        let statuses = events.compactMap { event -> StatusUpdate? in
            if case .status(let status) = event { return status }
            return nil
        }
        #expect(statuses.count == 3)
        #expect(
            statuses[0]
                == StatusUpdate(
                    sessionKey: "106540352242922", providerMessageID: "wamid.SENT", status: .sent,
                    timestamp: Date(timeIntervalSince1970: 1_750_030_073), recipient: "16505551234"))
        #expect(statuses[1].status == .failed)
        let failure = try #require(statuses[1].error)
        #expect(failure.code == "131049")
        #expect(failure.classification == .permanent)
        #expect(
            failure.message == "This message was not delivered to maintain healthy ecosystem engagement. — "
                + "In order to maintain a healthy ecosystem engagement, the message failed to be delivered.")
        #expect(statuses[2].error?.classification == .needsTemplate)
    }

    @Test func unsupportedMessagesKeepTheirErrors() throws {
        let events = try MetaWebhook.parse(body(MetaSamples.unsupported))
        guard case .message(let message) = try #require(events.first) else {
            Issue.record("expected a message")
            return
        }
        #expect(message.kind == .unsupported)
        #expect(message.content["errors"]?[0]?["code"] == 131051)
        #expect(message.text == nil)
    }

    @Test func rejectsBodiesThatAreNotWhatsAppNotifications() {
        #expect(throws: ProviderError.self) { try MetaWebhook.parse(body("not json")) }
        #expect(throws: ProviderError.self) { try MetaWebhook.parse(body(#"{"object":"page","entry":[]}"#)) }
        #expect((try? MetaWebhook.parse(body(#"{"object":"whatsapp_business_account","entry":[]}"#))) == [])
    }

    @Test func signedStatusWebhooksFromTheFakeVerifyAndParse() async throws {
        let receiver = FakeWebhookReceiver()
        let hook = try await receiver.start()
        try await MetaHarness.run { meta in
            let id = try await meta.provider.send(.text("Olá"), to: customer)
            for status in ["sent", "delivered", "read"] {
                #expect(try await meta.fake.emitStatus(status, for: id, to: hook, appSecret: "app-secret-123") == 200)
            }
            try await meta.fake.emitStatus("failed", for: id, to: hook, appSecret: "app-secret-123", errorCode: 131026)
        }
        await receiver.stop()
        var statuses: [MessageStatus] = []
        for request in receiver.requests {
            #expect(webhook.isValidSignature(request.headers["x-hub-signature-256"], body: request.body))
            for case .status(let update) in try MetaWebhook.parse(request.body) {
                #expect(update.recipient == "16505551234")
                statuses.append(update.status)
                if update.status == .failed { #expect(update.error?.code == "131026") }
            }
        }
        #expect(statuses == [.sent, .delivered, .read, .failed])
    }

    @Test func inboundTextWithAccentsArrivesEscapedSignedAndIntact() async throws {
        let receiver = FakeWebhookReceiver()
        let hook = try await receiver.start()
        let fake = FakeGraphAPI()
        let id = try await fake.emitText(
            "Olá, ação às 9h? 👍", from: "5511999998888", name: "Ana", to: hook,
            appSecret: "app-secret-123")
        await receiver.stop()
        let request = try #require(receiver.requests.first)
        #expect(request.body.allSatisfy { $0 < 0x80 })
        #expect(String(decoding: request.body, as: UTF8.self).contains(#"Ol\u00e1, a\u00e7\u00e3o"#))
        #expect(webhook.isValidSignature(request.headers["x-hub-signature-256"], body: request.body))
        let events = try MetaWebhook.parse(request.body)
        guard case .message(let message) = try #require(events.first) else {
            Issue.record("expected a message")
            return
        }
        #expect(message.providerMessageID == id)
        #expect(message.text == "Olá, ação às 9h? 👍")
        #expect(message.contactName == "Ana")
        #expect(message.phoneNumber?.digits == "5511999998888")
    }
}
