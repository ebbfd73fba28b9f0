import Foundation
import PapoCore
import PapoProviders
import PapoTestKit
import Testing

/// Every send type produces the body of meta-cloud-api.md §1, over real libcurl to the fake.
struct MetaCloudProviderTests {
    private let envelope: [String: JSONValue] = [
        "messaging_product": "whatsapp", "recipient_type": "individual", "to": "+16505551234",
    ]

    private func expected(_ type: String, _ object: JSONValue, extra: [String: JSONValue] = [:]) -> JSONValue {
        var body = envelope.merging(extra) { _, new in new }
        body["type"] = .string(type)
        body[type] = object
        return .object(body)
    }

    @Test func textSendsTheDocumentedBodyAndReturnsTheWamid() async throws {
        try await MetaHarness.run { meta in
            let id = try await meta.provider.send(.text("See https://papo.dev", previewURL: true), to: customer)
            let request = try #require(meta.fake.requests.last)
            #expect(id.hasPrefix("wamid."))
            #expect(meta.fake.sentMessages[id] == "16505551234")
            #expect(request.method == "POST")
            #expect(request.path == "/v25.0/106540352242922/messages")
            #expect(request.headers["authorization"] == "Bearer test-access-token")
            #expect(request.headers["content-type"] == "application/json")
            #expect(request.json == expected("text", ["preview_url": true, "body": "See https://papo.dev"]))
        }
    }

    @Test func aReplyCarriesTheContext() async throws {
        try await MetaHarness.run { meta in
            _ = try await meta.provider.send(.text("Yes", replyTo: "wamid.IN1"), to: customer)
            #expect(
                meta.lastBody
                    == expected(
                        "text", ["preview_url": false, "body": "Yes"], extra: ["context": ["message_id": "wamid.IN1"]]))
        }
    }

    @Test func mediaBodiesUseIdOrLinkAndOnlyTheirOwnFields() async throws {
        try await MetaHarness.run { meta in
            let cases: [(OutboundMessage.Media, String, JSONValue)] = [
                (
                    .init(kind: .image, source: .id("1037543291543636"), caption: "New arrivals"), "image",
                    ["id": "1037543291543636", "caption": "New arrivals"]
                ),
                (
                    .init(kind: .image, source: .link("https://cdn.test/a.jpg")), "image",
                    ["link": "https://cdn.test/a.jpg"]
                ),
                (
                    .init(kind: .video, source: .link("https://cdn.test/v.mp4"), caption: "Tour"), "video",
                    ["link": "https://cdn.test/v.mp4", "caption": "Tour"]
                ),
                (
                    .init(kind: .document, source: .id("55"), caption: "Your order", filename: "order.pdf"), "document",
                    ["id": "55", "caption": "Your order", "filename": "order.pdf"]
                ),
                (
                    .init(kind: .audio, source: .link("https://cdn.test/v.ogg"), voice: true), "audio",
                    ["link": "https://cdn.test/v.ogg", "voice": true]
                ),
                (.init(kind: .audio, source: .id("77")), "audio", ["id": "77"]),
                (.init(kind: .sticker, source: .id("88")), "sticker", ["id": "88"]),
            ]
            for (media, type, object) in cases {
                _ = try await meta.provider.send(OutboundMessage(.media(media)), to: customer)
                #expect(meta.lastBody == expected(type, object))
            }
        }
    }

    @Test func locationSendsCoordinatesAsDecimalStrings() async throws {
        try await MetaHarness.run { meta in
            let location = OutboundMessage.Location(
                latitude: 37.44216, longitude: -122.16143, name: "Philz Coffee", address: "101 Forest Ave")
            _ = try await meta.provider.send(OutboundMessage(.location(location)), to: customer)
            #expect(
                meta.lastBody
                    == expected(
                        "location",
                        [
                            "latitude": "37.44216", "longitude": "-122.16143", "name": "Philz Coffee",
                            "address": "101 Forest Ave",
                        ]))
            _ = try await meta.provider.send(
                OutboundMessage(.location(.init(latitude: 0.00001, longitude: 10))), to: customer)
            #expect(meta.lastBody == expected("location", ["latitude": "0.00001", "longitude": "10"]))
        }
    }

    @Test func contactsAndReactions() async throws {
        try await MetaHarness.run { meta in
            let card = OutboundMessage.Contact(
                formattedName: "Ana Souza", firstName: "Ana", lastName: "Souza",
                phones: [.init(phone: "+55 11 99999-8888", type: "CELL", waID: "5511999998888")],
                emails: [.init(email: "ana@example.com", type: "WORK")],
                organization: .init(company: "Acme"), urls: [.init(url: "https://acme.test")], birthday: "1990-04-01")
            _ = try await meta.provider.send(OutboundMessage(.contacts([card])), to: customer)
            #expect(
                meta.lastBody
                    == expected(
                        "contacts",
                        [
                            [
                                "name": ["formatted_name": "Ana Souza", "first_name": "Ana", "last_name": "Souza"],
                                "phones": [["phone": "+55 11 99999-8888", "type": "CELL", "wa_id": "5511999998888"]],
                                "emails": [["email": "ana@example.com", "type": "WORK"]],
                                "org": ["company": "Acme"], "urls": [["url": "https://acme.test"]],
                                "birthday": "1990-04-01",
                            ]
                        ]))
            _ = try await meta.provider.send(
                OutboundMessage(.reaction(messageID: "wamid.IN1", emoji: "😀")), to: customer)
            #expect(meta.lastBody == expected("reaction", ["message_id": "wamid.IN1", "emoji": "😀"]))
        }
    }

    @Test func replyButtonsWithAnImageHeader() async throws {
        try await MetaHarness.run { meta in
            let buttons = OutboundMessage.Buttons(
                header: .image(.id("2762702990552401")), body: "Hi Pablo! Change or cancel?", footer: "Lucky Shrub",
                buttons: [.init(id: "change-button", title: "Change"), .init(id: "cancel-button", title: "Cancel")])
            _ = try await meta.provider.send(OutboundMessage(.buttons(buttons)), to: customer)
            #expect(
                meta.lastBody
                    == expected(
                        "interactive",
                        [
                            "type": "button",
                            "header": ["type": "image", "image": ["id": "2762702990552401"]],
                            "body": ["text": "Hi Pablo! Change or cancel?"],
                            "footer": ["text": "Lucky Shrub"],
                            "action": [
                                "buttons": [
                                    ["type": "reply", "reply": ["id": "change-button", "title": "Change"]],
                                    ["type": "reply", "reply": ["id": "cancel-button", "title": "Cancel"]],
                                ]
                            ],
                        ]))
        }
    }

    @Test func listWithSectionsAndRows() async throws {
        try await MetaHarness.run { meta in
            let list = OutboundMessage.List(
                header: "Choose Shipping Option", body: "Which shipping option do you prefer?", footer: "Lucky Shrub",
                button: "Shipping Options",
                sections: [
                    .init(
                        title: "I want it ASAP!",
                        rows: [
                            .init(
                                id: "priority_express", title: "Priority Mail Express",
                                description: "Next Day to 2 Days")
                        ])
                ])
            _ = try await meta.provider.send(OutboundMessage(.list(list)), to: customer)
            #expect(
                meta.lastBody
                    == expected(
                        "interactive",
                        [
                            "type": "list",
                            "header": ["type": "text", "text": "Choose Shipping Option"],
                            "body": ["text": "Which shipping option do you prefer?"],
                            "footer": ["text": "Lucky Shrub"],
                            "action": [
                                "button": "Shipping Options",
                                "sections": [
                                    [
                                        "title": "I want it ASAP!",
                                        "rows": [
                                            [
                                                "id": "priority_express", "title": "Priority Mail Express",
                                                "description": "Next Day to 2 Days",
                                            ]
                                        ],
                                    ]
                                ],
                            ],
                        ]))
        }
    }

    @Test func templateWithHeaderBodyAndButtonComponents() async throws {
        try await MetaHarness.run { meta in
            let template = OutboundMessage.Template(
                name: "order_confirmation", language: "en_US",
                components: [
                    .init(kind: .header, parameters: [.image(.link("https://cdn.test/logo.png"))]),
                    .body([.text("Jessica"), .text("SKBUP2-4CPIG9")]),
                    .init(kind: .button, buttonKind: .quickReply, index: 0, parameters: [.payload("TRACK")]),
                ])
            _ = try await meta.provider.send(OutboundMessage(.template(template)), to: customer)
            #expect(
                meta.lastBody
                    == expected(
                        "template",
                        [
                            "name": "order_confirmation", "language": ["code": "en_US"],
                            "components": [
                                [
                                    "type": "header",
                                    "parameters": [["type": "image", "image": ["link": "https://cdn.test/logo.png"]]],
                                ],
                                [
                                    "type": "body",
                                    "parameters": [
                                        ["type": "text", "text": "Jessica"],
                                        ["type": "text", "text": "SKBUP2-4CPIG9"],
                                    ],
                                ],
                                [
                                    "type": "button", "sub_type": "quick_reply", "index": 0,
                                    "parameters": [["type": "payload", "payload": "TRACK"]],
                                ],
                            ],
                        ]))
            let named = OutboundMessage.Template(
                name: "welcome", language: "pt_BR", components: [.body([.text("Ana", name: "first_name")])])
            _ = try await meta.provider.send(OutboundMessage(.template(named)), to: customer)
            #expect(
                meta.lastBody?["template"]?["components"] == [
                    [
                        "type": "body",
                        "parameters": [["type": "text", "text": "Ana", "parameter_name": "first_name"]],
                    ]
                ])
        }
    }

    @Test func markAsReadAndTypingIndicator() async throws {
        try await MetaHarness.run { meta in
            try await meta.provider.markAsRead("wamid.IN1", from: customer)
            #expect(meta.lastBody == ["messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN1"])
            try await meta.provider.sendTypingIndicator(to: customer, replyingTo: "wamid.IN2")
            #expect(
                meta.lastBody == [
                    "messaging_product": "whatsapp", "status": "read", "message_id": "wamid.IN2",
                    "typing_indicator": ["type": "text"],
                ])
        }
    }

    @Test func mediaUploadIsMultipartWithTheThreeFields() async throws {
        try await MetaHarness.run { meta in
            let bytes = Data([0x89, 0x50, 0x4E, 0x47, 0x00, 0xFF])
            let id = try await meta.provider.uploadMedia(bytes, mimeType: "image/png", filename: "logo.png")
            let request = try #require(meta.fake.requests.last)
            #expect(request.path == "/v25.0/106540352242922/media")
            #expect(request.headers["content-type"]?.hasPrefix("multipart/form-data; boundary=") == true)
            let parts = request.formParts
            #expect(parts["messaging_product"]?.text == "whatsapp")
            #expect(parts["type"]?.text == "image/png")
            #expect(parts["file"]?.filename == "logo.png")
            #expect(parts["file"]?.contentType == "image/png")
            #expect(parts["file"]?.data == bytes)
            #expect(!id.isEmpty && id.allSatisfy(\.isNumber))
            _ = try await meta.provider.send(
                OutboundMessage(.media(.init(kind: .image, source: .id(id)))), to: customer)
            #expect(meta.lastBody?["image"] == ["id": .string(id)])
        }
    }

    @Test func credentialsCheckReadsThePhoneNumberNode() async throws {
        try await MetaHarness.run { meta in
            let status = try await meta.provider.connect()
            #expect(status.state == .connected)
            #expect(status.displayName == "Papo Test Business")
            #expect(status.phoneNumber?.digits == "15550783881")
            #expect(status.detail == "quality rating GREEN")
            #expect(meta.fake.requests.last?.path == "/v25.0/106540352242922")
            #expect(meta.fake.requests.last?.query["fields"] == "verified_name,display_phone_number,quality_rating")

            let wrongToken = MetaCloudProvider(
                configuration: .init(
                    phoneNumberID: meta.fake.phoneNumberID, accessToken: "expired",
                    baseURL: meta.baseURL.absoluteString),
                client: meta.client)
            let error = try #require(await providerError { try await wrongToken.connectionStatus() })
            #expect(error.code == "190")
            #expect(error.classification == .permanent)
            #expect(error.httpStatus == 401)
            #expect(!error.message.contains("expired"))
        }
    }

    @Test func unversionedPathsWork() async throws {
        try await MetaHarness.run(apiVersion: "") { meta in
            _ = try await meta.provider.send(.text("hi"), to: customer)
            #expect(meta.fake.requests.last?.path == "/106540352242922/messages")
        }
    }

    @Test func invalidMessagesFailBeforeAnyRequest() async throws {
        try await MetaHarness.run { meta in
            let error = try #require(
                await providerError {
                    try await meta.provider.send(.text(String(repeating: "a", count: 4097)), to: customer)
                })
            #expect(error.code == "invalid_message")
            #expect(error.message == "text.body: must be at most 4096 characters (has 4097)")
            #expect(meta.fake.requests.isEmpty)
        }
    }

    @Test func configurationDescriptionHidesTheToken() {
        let configuration = MetaCloudConfiguration(phoneNumberID: "1", accessToken: "EAAJB-secret")
        #expect(!configuration.description.contains("EAAJB"))
        #expect(configuration.description.contains("<redacted>"))
    }
}
