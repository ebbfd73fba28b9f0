import Foundation
import PapoCore
import PapoProviders
import PapoTestKit
import Testing

/// Evolution webhook authentication and parsing (baileys-gateway.md, "Evolution webhook envelope").
struct EvolutionWebhookTests {
    private func envelope(_ event: String, _ data: String) -> Data {
        body(
            #"{"event":"\#(event)","instance":"acme-1","data":\#(data),"destination":"https://x","#
                + #""date_time":"2025-10-21T11:40:39.000Z","sender":"5511900000000@s.whatsapp.net","#
                + #""server_url":"http://localhost:8080","apikey":"INSTANCE-TOKEN"}"#)
    }

    private func messages(_ events: [InboundEvent]) -> [InboundMessage] {
        events.compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    @Test func secretHeaderIsComparedExactly() {
        let webhook = EvolutionWebhook(secret: "per-session-secret")
        #expect(webhook.secretHeader == "X-Papo-Webhook-Secret")
        #expect(webhook.isAuthentic(secretHeaderValue: "per-session-secret"))
        #expect(!webhook.isAuthentic(secretHeaderValue: "per-session-secreT"))
        #expect(!webhook.isAuthentic(secretHeaderValue: "per-session-secret "))
        #expect(!webhook.isAuthentic(secretHeaderValue: nil))
        #expect(!EvolutionWebhook(secret: "").isAuthentic(secretHeaderValue: ""))
        #expect(!webhook.description.contains("per-session-secret"))
    }

    @Test func upsertOfTheDocumentedShape() throws {
        let events = try EvolutionWebhook.parse(
            envelope(
                "messages.upsert",
                #"""
                {"key":{"remoteJid":"5511999998888@s.whatsapp.net","fromMe":false,"id":"3A5F1B2C"},"pushName":"Ana",
                 "status":"DELIVERY_ACK","message":{"conversation":"oi"},"contextInfo":null,"messageType":"conversation",
                 "messageTimestamp":1717604327,"instanceId":"i-1","source":"android"}
                """#))
        #expect(
            events == [
                .message(
                    InboundMessage(
                        sessionKey: "acme-1", providerMessageID: "3A5F1B2C", from: "5511999998888@s.whatsapp.net",
                        phoneNumber: try PhoneNumber("5511999998888"),
                        timestamp: Date(timeIntervalSince1970: 1_717_604_327),
                        kind: .text, content: ["body": "oi"], text: "oi", contactName: "Ana"))
            ])
    }

    @Test func fromMeIsAnOperatorMessageNotACustomerOne() throws {
        let events = try EvolutionWebhook.parse(
            envelope(
                "messages.upsert",
                #"""
                {"key":{"remoteJid":"5511999998888@s.whatsapp.net","fromMe":true,"id":"3AOP"},"pushName":"Acme",
                 "message":{"extendedTextMessage":{"text":"Deixa comigo, Ana"}},"messageType":"extendedTextMessage",
                 "messageTimestamp":"1717604400"}
                """#))
        guard case .operatorMessage(let message) = try #require(events.first) else {
            Issue.record("expected an operator message, got \(events)")
            return
        }
        #expect(message.text == "Deixa comigo, Ana")
        #expect(message.phoneNumber?.digits == "5511999998888")
        #expect(message.contactName == nil)
        #expect(message.timestamp == Date(timeIntervalSince1970: 1_717_604_400))
        #expect(messages(events).isEmpty)
    }

    @Test func linkedIDsUseThePhoneAlternativeAndGroupsAreIgnored() throws {
        let lid = try EvolutionWebhook.parse(
            envelope(
                "messages.upsert",
                #"""
                {"key":{"remoteJid":"123456789012345@lid","fromMe":false,"id":"3ALID",
                        "remoteJidAlt":"5511999998888@s.whatsapp.net","addressingMode":"lid"},
                 "pushName":"Ana","message":{"conversation":"oi"},"messageType":"conversation","messageTimestamp":1717604327}
                """#))
        #expect(messages(lid).first?.from == "123456789012345@lid")
        #expect(messages(lid).first?.phoneNumber?.digits == "5511999998888")

        let group = try EvolutionWebhook.parse(
            envelope(
                "messages.upsert",
                #"""
                {"key":{"remoteJid":"120363043968042@g.us","fromMe":false,"id":"3AGRP","participant":"5511999998888@s.whatsapp.net"},
                 "message":{"conversation":"oi grupo"},"messageType":"conversation","messageTimestamp":1717604327}
                """#))
        #expect(group.isEmpty)
    }

    @Test func mediaLocationAndQuotedReplies() throws {
        let image = messages(
            try EvolutionWebhook.parse(
                envelope(
                    "messages.upsert",
                    #"""
                    {"key":{"remoteJid":"5511999998888@s.whatsapp.net","fromMe":false,"id":"3AIMG"},
                     "message":{"imageMessage":{"caption":"Essa aqui","mimetype":"image/jpeg"},"mediaUrl":"https://s3.test/a.jpg",
                                "base64":"AAAA"},
                     "contextInfo":{"stanzaId":"BAE5OUT","participant":"5511900000000@s.whatsapp.net"},
                     "messageType":"imageMessage","messageTimestamp":1717604327}
                    """#)))
        #expect(image.first?.kind == .image)
        #expect(
            image.first?.content == ["mime_type": "image/jpeg", "caption": "Essa aqui", "url": "https://s3.test/a.jpg"])
        #expect(image.first?.text == "Essa aqui")
        #expect(image.first?.replyTo == "BAE5OUT")

        let voice = messages(
            try EvolutionWebhook.parse(
                envelope(
                    "messages.upsert",
                    #"""
                    {"key":{"remoteJid":"5511999998888@s.whatsapp.net","fromMe":false,"id":"3AAUD"},
                     "message":{"audioMessage":{"mimetype":"audio/ogg; codecs=opus","ptt":true},"speechToText":"[audio] quero visitar"},
                     "messageType":"audioMessage","messageTimestamp":1717604327}
                    """#)))
        #expect(voice.first?.kind == .audio)
        #expect(voice.first?.content["voice"] == true)
        #expect(voice.first?.text == "[audio] quero visitar")

        let pin = messages(
            try EvolutionWebhook.parse(
                envelope(
                    "messages.upsert",
                    #"""
                    {"key":{"remoteJid":"5511999998888@s.whatsapp.net","fromMe":false,"id":"3ALOC"},
                     "message":{"locationMessage":{"degreesLatitude":-23.5614,"degreesLongitude":-46.6559,"name":"MASP"}},
                     "messageType":"locationMessage","messageTimestamp":1717604327}
                    """#)))
        #expect(pin.first?.kind == .location)
        #expect(pin.first?.content == ["latitude": -23.5614, "longitude": -46.6559, "name": "MASP"])
    }

    @Test(arguments: [
        ("SERVER_ACK", MessageStatus.sent), ("DELIVERY_ACK", .delivered), ("READ", .read), ("PLAYED", .played),
        ("ERROR", .failed),
    ])
    func updateStatusesMap(evolution: String, status: MessageStatus) throws {
        let events = try EvolutionWebhook.parse(
            envelope(
                "messages.update",
                #"""
                {"keyId":"BAE594145F4C59B4","remoteJid":"5511999998888@s.whatsapp.net","fromMe":true,"participant":null,
                 "status":"\#(evolution)","pollUpdates":null,"instanceId":"i-1","messageId":"cuid"}
                """#))
        guard case .status(let update) = try #require(events.first) else {
            Issue.record("expected a status")
            return
        }
        #expect(update.providerMessageID == "BAE594145F4C59B4")
        #expect(update.status == status)
        #expect(update.sessionKey == "acme-1")
        #expect(update.timestamp == Date(timeIntervalSince1970: 1_761_046_839))
        #expect((update.error != nil) == (status == .failed))
    }

    @Test func updatesThatAreNotOurDeliveriesAreIgnored() throws {
        let pending = try EvolutionWebhook.parse(
            envelope(
                "messages.update",
                #"{"keyId":"BAE5","remoteJid":"5511999998888@s.whatsapp.net","fromMe":true,"status":"PENDING"}"#))
        #expect(pending.isEmpty)
        let theirs = try EvolutionWebhook.parse(
            envelope(
                "messages.update",
                #"{"keyId":"3A1","remoteJid":"5511999998888@s.whatsapp.net","fromMe":false,"status":"READ"}"#))
        #expect(theirs.isEmpty)
    }

    @Test func connectionUpdates() throws {
        let open = try EvolutionWebhook.parse(
            envelope(
                "connection.update",
                #"""
                {"instance":"acme-1","wuid":"5511900000000@s.whatsapp.net","profileName":"Acme","state":"open","statusReason":200}
                """#))
        #expect(
            open == [
                .connection(
                    sessionKey: "acme-1",
                    SessionConnection(
                        state: .connected, phoneNumber: try PhoneNumber("5511900000000"), displayName: "Acme",
                        reasonCode: 200))
            ])
        let loggedOut = try EvolutionWebhook.parse(
            envelope(
                "CONNECTION_UPDATE",
                #"{"instance":"acme-1","state":"close","statusReason":401}"#))
        #expect(loggedOut == [.connection(sessionKey: "acme-1", SessionConnection(state: .loggedOut, reasonCode: 401))])
        let banned = try EvolutionWebhook.parse(
            envelope("connection.update", #"{"instance":"acme-1","state":"close","statusReason":403}"#))
        #expect(banned == [.connection(sessionKey: "acme-1", SessionConnection(state: .failed, reasonCode: 403))])
        let dropped = try EvolutionWebhook.parse(
            envelope("connection.update", #"{"instance":"acme-1","state":"close","statusReason":428}"#))
        #expect(
            dropped == [.connection(sessionKey: "acme-1", SessionConnection(state: .disconnected, reasonCode: 428))])
        let refused = try EvolutionWebhook.parse(envelope("connection.update", #"{"state":"refused"}"#))
        #expect(refused == [.connection(sessionKey: "acme-1", SessionConnection(state: .failed))])
    }

    @Test func qrCodesAndTheQRLimit() throws {
        let qr = try EvolutionWebhook.parse(
            envelope(
                "qrcode.updated",
                #"""
                {"qrcode":{"instance":"acme-1","pairingCode":null,"code":"2@abc","base64":"data:image/png;base64,iVBOR"}}
                """#))
        #expect(
            qr == [
                .connection(
                    sessionKey: "acme-1",
                    SessionConnection(
                        state: .qr, qrCode: QRCode(code: "2@abc", base64: "data:image/png;base64,iVBOR")))
            ])
        let limit = try EvolutionWebhook.parse(
            envelope(
                "qrcode.updated",
                #"{"message":"QR code limit reached, please login again","statusCode":500}"#))
        #expect(
            limit == [
                .connection(
                    sessionKey: "acme-1",
                    SessionConnection(
                        state: .failed, reasonCode: 500, detail: "QR code limit reached, please login again"))
            ])
    }

    @Test func otherEventsAndGarbage() throws {
        #expect(try EvolutionWebhook.parse(envelope("presence.update", "{}")).isEmpty)
        #expect(throws: ProviderError.self) { try EvolutionWebhook.parse(body("<html>")) }
    }

    @Test func eventsFromTheGatewayCarryTheSecretAndParse() async throws {
        let receiver = FakeWebhookReceiver()
        let hook = try await receiver.start()
        try await EvolutionHarness.run { gateway in
            let provider = gateway.provider()
            _ = try await provider.createInstance(
                EvolutionInstanceRequest(webhookURL: hook.absoluteString, webhookSecret: "per-session-secret"))
            try await gateway.fake.emitConnection("open", instance: "acme-1")
            let sent = try await provider.send(.text("Bem-vinda!"), to: try PhoneNumber("5511999998888"))
            try await gateway.fake.emitStatus(
                "DELIVERY_ACK", for: sent, to: "5511999998888@s.whatsapp.net", instance: "acme-1")
            let inbound = try await gateway.fake.emitText(
                "Quero agendar", from: "5511999998888@s.whatsapp.net", instance: "acme-1")
            try await gateway.fake.emitText(
                "Oi Ana, sou eu", from: "5511999998888@s.whatsapp.net", instance: "acme-1",
                fromMe: true)

            let webhook = EvolutionWebhook(secret: "per-session-secret")
            var events: [InboundEvent] = []
            for request in receiver.requests {
                #expect(webhook.isAuthentic(secretHeaderValue: request.headers[webhook.secretHeader.lowercased()]))
                events += try EvolutionWebhook.parse(request.body)
            }
            #expect(events.count == 4)
            guard events.count == 4 else { return }
            if case .connection(let session, let connection) = events[0] {
                #expect(session == "acme-1")
                #expect(connection.state == .connected)
            } else {
                Issue.record("expected a connection update")
            }
            if case .status(let update) = events[1] {
                #expect(update.providerMessageID == sent)
                #expect(update.status == .delivered)
            } else {
                Issue.record("expected a status")
            }
            if case .message(let message) = events[2] {
                #expect(message.providerMessageID == inbound)
                #expect(message.text == "Quero agendar")
            } else {
                Issue.record("expected a customer message")
            }
            if case .operatorMessage(let message) = events[3] {
                #expect(message.text == "Oi Ana, sou eu")
            } else {
                Issue.record("expected an operator message")
            }
        }
        await receiver.stop()
    }
}
