import Foundation
import PapoCore
import PapoProviders
import PapoTestKit
import Testing

/// The Evolution API v2 dialect over real libcurl to the fake gateway (baileys-gateway.md).
struct BaileysGatewayProviderTests {
    let brazilian = try! PhoneNumber("+55 11 99999-8888")

    @Test func createInstanceSendsTheWebhookURLSecretHeaderAndEvents() async throws {
        try await EvolutionHarness.run { gateway in
            let provider = gateway.provider()
            let created = try await provider.createInstance(
                EvolutionInstanceRequest(
                    webhookURL: "https://papo.test/webhooks/baileys/s-1", webhookSecret: "per-session-secret"))
            let request = try #require(gateway.fake.requests.last)
            #expect(request.method == "POST")
            #expect(request.path == "/instance/create")
            #expect(request.headers["apikey"] == "test-global-api-key")
            #expect(
                request.json == [
                    "instanceName": "acme-1", "integration": "WHATSAPP-BAILEYS", "qrcode": true, "groupsIgnore": true,
                    "rejectCall": false,
                    "webhook": [
                        "enabled": true, "url": "https://papo.test/webhooks/baileys/s-1", "byEvents": false,
                        "base64": false,
                        "headers": ["X-Papo-Webhook-Secret": "per-session-secret"],
                        "events": [
                            "MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED",
                            "LOGOUT_INSTANCE",
                        ],
                    ],
                ])
            let stored = try #require(gateway.fake.instance(named: "acme-1"))
            #expect(created.token == stored.token)
            #expect(created.id == stored.id)
            #expect(created.connection.state == .qr)
            #expect(created.connection.qrCode?.code?.hasPrefix("2@") == true)
            #expect(created.connection.qrCode?.base64?.hasPrefix("data:image/png;base64,") == true)
            #expect(!created.description.contains(stored.token))
        }
    }

    @Test func creatingNeedsTheGlobalKey() async throws {
        try await EvolutionHarness.run { gateway in
            let error = try #require(
                await providerError {
                    try await gateway.provider(apiKey: "wrong").createInstance(
                        EvolutionInstanceRequest(webhookURL: "https://x.test", webhookSecret: "s"))
                })
            #expect(error.classification == .permanent)
            #expect(error.code == "http_401")
            #expect(error.provider == .baileys)
            #expect(error.message == "Unauthorized: Unauthorized")
        }
    }

    @Test func connectFetchesTheQRCodeAndReportsALinkedPhone() async throws {
        try await EvolutionHarness.run { gateway in
            let provider = gateway.provider()
            _ = try await provider.createInstance(
                EvolutionInstanceRequest(webhookURL: "https://x.test", webhookSecret: "s"))
            let pending = try await provider.connect()
            #expect(gateway.fake.requests.last?.path == "/instance/connect/acme-1")
            #expect(pending.state == .qr)
            #expect(pending.qrCode?.code == "2@fake-acme-1-2,PAPO,TEST==")
            #expect(pending.qrCode?.base64?.hasPrefix("data:image/png;base64,iVBOR") == true)
            #expect(pending.qrCode?.pairingCode == nil)

            gateway.fake.setState("open", for: "acme-1")
            #expect(try await provider.connect().state == .connected)
            #expect(try await provider.connectionStatus().state == .connected)
            #expect(gateway.fake.requests.last?.path == "/instance/connectionState/acme-1")
        }
    }

    @Test func pairingCodeByNumber() async throws {
        try await EvolutionHarness.run { gateway in
            let provider = gateway.provider()
            _ = try await provider.createInstance(
                EvolutionInstanceRequest(webhookURL: "https://x.test", webhookSecret: "s"))
            let pairing = try await provider.requestPairingCode(for: brazilian)
            #expect(gateway.fake.requests.last?.query["number"] == "5511999998888")
            #expect(pairing.state == .qr)
            #expect(pairing.qrCode?.pairingCode == "WZYEH1YY")
        }
    }

    @Test func theInstanceTokenWorksAsTheKeyAfterCreation() async throws {
        try await EvolutionHarness.run { gateway in
            let created = try await gateway.provider().createInstance(
                EvolutionInstanceRequest(webhookURL: "https://x.test", webhookSecret: "s"))
            let scoped = gateway.provider(apiKey: created.token)
            #expect(try await scoped.connectionStatus().state == .connecting)
            #expect(gateway.fake.requests.last?.headers["apikey"] == created.token)
        }
    }

    @Test func sendTextBodyWithReplyAndTypingDelay() async throws {
        try await EvolutionHarness.run { gateway in
            _ = try await gateway.connectedProvider()
            let provider = gateway.provider(typingDelay: 1200)
            let id = try await provider.send(.text("Olá! Como posso ajudar?", replyTo: "3AINBOUND"), to: brazilian)
            let request = try #require(gateway.fake.requests.last)
            #expect(id.hasPrefix("BAE5"))
            #expect(request.path == "/message/sendText/acme-1")
            #expect(
                request.json == [
                    "number": "5511999998888", "text": "Olá! Como posso ajudar?", "linkPreview": false, "delay": 1200,
                    "quoted": ["key": ["id": "3AINBOUND"]],
                ])
        }
    }

    @Test func mediaVoiceLocationStickerAndReactionBodies() async throws {
        try await EvolutionHarness.run { gateway in
            let provider = try await gateway.connectedProvider()
            let cases: [(OutboundMessage, String, JSONValue)] = [
                (
                    OutboundMessage(
                        .media(.init(kind: .image, source: .link("https://cdn.test/a.jpg"), caption: "Fachada"))),
                    "sendMedia",
                    [
                        "number": "5511999998888", "mediatype": "image", "media": "https://cdn.test/a.jpg",
                        "caption": "Fachada",
                    ]
                ),
                (
                    OutboundMessage(
                        .media(
                            .init(kind: .document, source: .link("https://cdn.test/c.pdf"), filename: "contrato.pdf"))),
                    "sendMedia",
                    [
                        "number": "5511999998888", "mediatype": "document", "media": "https://cdn.test/c.pdf",
                        "fileName": "contrato.pdf",
                    ]
                ),
                (
                    OutboundMessage(.media(.init(kind: .audio, source: .link("https://cdn.test/v.ogg"), voice: true))),
                    "sendWhatsAppAudio", ["number": "5511999998888", "audio": "https://cdn.test/v.ogg"]
                ),
                (
                    OutboundMessage(.media(.init(kind: .audio, source: .link("https://cdn.test/song.mp3")))),
                    "sendMedia",
                    ["number": "5511999998888", "mediatype": "audio", "media": "https://cdn.test/song.mp3"]
                ),
                (
                    OutboundMessage(
                        .location(
                            .init(
                                latitude: -23.5614, longitude: -46.6559, name: "MASP",
                                address: "Av. Paulista, 1578"))),
                    "sendLocation",
                    [
                        "number": "5511999998888", "latitude": -23.5614, "longitude": -46.6559, "name": "MASP",
                        "address": "Av. Paulista, 1578",
                    ]
                ),
                (
                    OutboundMessage(.media(.init(kind: .sticker, source: .link("https://cdn.test/s.webp")))),
                    "sendSticker", ["number": "5511999998888", "sticker": "https://cdn.test/s.webp"]
                ),
                (
                    OutboundMessage(.reaction(messageID: "3AINBOUND", emoji: "👍")), "sendReaction",
                    [
                        "key": ["remoteJid": "5511999998888@s.whatsapp.net", "fromMe": false, "id": "3AINBOUND"],
                        "reaction": "👍",
                    ]
                ),
            ]
            for (message, route, expected) in cases {
                let id = try await provider.send(message, to: brazilian)
                #expect(id.hasPrefix("BAE5"))
                #expect(gateway.fake.requests.last?.path == "/message/\(route)/acme-1")
                #expect(gateway.lastBody == expected)
            }
        }
    }

    @Test func kindsWhatsAppWebCannotCarryFailWithoutARequest() async throws {
        try await EvolutionHarness.run { gateway in
            let provider = try await gateway.connectedProvider()
            let before = gateway.fake.requests.count
            let unsupported: [OutboundMessage] = [
                OutboundMessage(.template(.init(name: "order", language: "pt_BR"))),
                OutboundMessage(.buttons(.init(body: "b", buttons: [.init(id: "1", title: "Sim")]))),
                OutboundMessage(.media(.init(kind: .image, source: .id("123")))),
            ]
            for message in unsupported {
                let error = try #require(await providerError { try await provider.send(message, to: brazilian) })
                #expect(error.code == "unsupported")
                #expect(error.classification == .permanent)
            }
            #expect(gateway.fake.requests.count == before)
            #expect(
                await providerError { try await provider.markAsRead("3A1", from: brazilian) }?.code == "unsupported")
        }
    }

    @Test func gatewayErrorsAreClassified() async throws {
        try await EvolutionHarness.run { gateway in
            let provider = try await gateway.connectedProvider()
            gateway.fake.markNotOnWhatsApp("5511999998888")
            let notOnWhatsApp = try #require(
                await providerError { try await provider.send(.text("oi"), to: brazilian) })
            #expect(notOnWhatsApp.code == "not_on_whatsapp")
            #expect(notOnWhatsApp.classification == .permanent)
            #expect(notOnWhatsApp.httpStatus == 400)

            gateway.fake.failNext(status: 500, message: "Connection Closed")
            let closed = try #require(await providerError { try await provider.send(.text("oi"), to: customer) })
            #expect(closed.classification == .retryable)
            #expect(closed.message == "Internal Server Error: Connection Closed")

            let missing = try #require(
                await providerError {
                    try await gateway.provider(instance: "nope").send(.text("oi"), to: customer)
                })
            #expect(missing.classification == .permanent)
            #expect(missing.httpStatus == 404)
        }
    }

    @Test func logoutThenDelete() async throws {
        try await EvolutionHarness.run { gateway in
            let provider = try await gateway.connectedProvider()
            try await provider.logout()
            #expect(gateway.fake.requests.last?.method == "DELETE")
            #expect(gateway.fake.requests.last?.path == "/instance/logout/acme-1")
            #expect(try await provider.connectionStatus().state == .disconnected)
            try await provider.deleteInstance()
            #expect(gateway.fake.requests.last?.path == "/instance/delete/acme-1")
            #expect(gateway.fake.instance(named: "acme-1") == nil)
        }
    }
}
