import PapoCore
import Testing

struct OutboundMessageTests {
    private func rejection(_ message: OutboundMessage) -> FieldError? {
        do {
            try message.validate()
            return nil
        } catch {
            return error
        }
    }

    private func buttons(_ titles: [String], body: String = "Pick one") -> OutboundMessage {
        OutboundMessage(
            .buttons(
                .init(body: body, buttons: titles.enumerated().map { .init(id: "b\($0.offset)", title: $0.element) })))
    }

    @Test func textLimitsAreInclusive() {
        #expect(rejection(.text(String(repeating: "a", count: 4096))) == nil)
        #expect(
            rejection(.text(String(repeating: "a", count: 4097)))
                == FieldError("text.body", "must be at most 4096 characters (has 4097)"))
        #expect(rejection(.text("   ")) == FieldError("text.body", "must not be empty"))
        #expect(rejection(.text("hi", replyTo: "")) == FieldError("context.message_id", "must not be empty"))
    }

    @Test func captionLimitAndWhereCaptionsApply() {
        let image = OutboundMessage.Media(kind: .image, source: .link("https://x.test/a.jpg"))
        var captioned = image
        captioned.caption = String(repeating: "c", count: 1024)
        #expect(rejection(OutboundMessage(.media(captioned))) == nil)
        captioned.caption! += "c"
        #expect(
            rejection(OutboundMessage(.media(captioned)))
                == FieldError("image.caption", "must be at most 1024 characters (has 1025)"))
        let audio = OutboundMessage.Media(kind: .audio, source: .id("123"), caption: "no")
        #expect(rejection(OutboundMessage(.media(audio))) == FieldError("audio.caption", "is not supported for audio"))
        let sticker = OutboundMessage.Media(kind: .sticker, source: .id("1"), voice: true)
        #expect(
            rejection(OutboundMessage(.media(sticker))) == FieldError("sticker.voice", "is only supported for audio"))
        let video = OutboundMessage.Media(kind: .video, source: .id("1"), filename: "a.mp4")
        #expect(
            rejection(OutboundMessage(.media(video)))
                == FieldError("video.filename", "is only supported for documents"))
    }

    @Test func mediaSourcesMustBeHTTPLinksOrIDs() {
        let ftp = OutboundMessage.Media(kind: .image, source: .link("ftp://x.test/a.jpg"))
        #expect(rejection(OutboundMessage(.media(ftp))) == FieldError("image.link", "must be an http or https URL"))
        let spaced = OutboundMessage.Media(kind: .document, source: .link("https://x.test/a b.pdf"))
        #expect(
            rejection(OutboundMessage(.media(spaced))) == FieldError("document.link", "must not contain whitespace"))
        let noID = OutboundMessage.Media(kind: .audio, source: .id(""), voice: true)
        #expect(rejection(OutboundMessage(.media(noID))) == FieldError("audio.id", "must not be empty"))
    }

    @Test func locationRanges() {
        #expect(rejection(OutboundMessage(.location(.init(latitude: -90, longitude: 180)))) == nil)
        #expect(
            rejection(OutboundMessage(.location(.init(latitude: 90.01, longitude: 0))))
                == FieldError("location.latitude", "must be between -90 and 90"))
        #expect(
            rejection(OutboundMessage(.location(.init(latitude: 0, longitude: -180.5))))
                == FieldError("location.longitude", "must be between -180 and 180"))
        #expect(
            rejection(OutboundMessage(.location(.init(latitude: .nan, longitude: 0))))
                == FieldError("location.latitude", "must be between -90 and 90"))
    }

    @Test func buttonLimits() {
        #expect(rejection(buttons(["Yes", "No", "Maybe"])) == nil)
        #expect(
            rejection(buttons(["1", "2", "3", "4"]))
                == FieldError("interactive.action.buttons", "must have 1 to 3 buttons (has 4)"))
        #expect(
            rejection(buttons([]))
                == FieldError("interactive.action.buttons", "must have 1 to 3 buttons (has 0)"))
        #expect(rejection(buttons([String(repeating: "t", count: 20)])) == nil)
        #expect(
            rejection(buttons([String(repeating: "t", count: 21)]))
                == FieldError("interactive.action.buttons[0].reply.title", "must be at most 20 characters (has 21)"))
        #expect(
            rejection(buttons(["Same", "Same"]))
                == FieldError("interactive.action.buttons[1].reply.title", "must be unique"))
        #expect(
            rejection(buttons(["Ok"], body: String(repeating: "b", count: 1025)))
                == FieldError("interactive.body.text", "must be at most 1024 characters (has 1025)"))
    }

    @Test func listLimits() {
        func list(sections: [[String]], button: String = "Options") -> OutboundMessage {
            OutboundMessage(
                .list(
                    .init(
                        body: "Choose", button: button,
                        sections: sections.enumerated().map { index, rows in
                            .init(title: "S\(index)", rows: rows.map { .init(id: $0, title: $0) })
                        })))
        }
        #expect(rejection(list(sections: [["a", "b", "c", "d", "e"], ["f", "g", "h", "i", "j"]])) == nil)
        #expect(
            rejection(list(sections: [["a", "b", "c", "d", "e", "f"], ["g", "h", "i", "j", "k"]]))
                == FieldError("interactive.action.sections", "must have at most 10 rows across all sections (has 11)"))
        #expect(
            rejection(list(sections: Array(repeating: [], count: 11)))
                == FieldError("interactive.action.sections", "must have 1 to 10 sections (has 11)"))
        #expect(
            rejection(list(sections: [["a"]], button: String(repeating: "x", count: 21)))
                == FieldError("interactive.action.button", "must be at most 20 characters (has 21)"))
        #expect(
            rejection(list(sections: [[String(repeating: "r", count: 25)]]))
                == FieldError("interactive.action.sections[0].rows[0].title", "must be at most 24 characters (has 25)"))
        #expect(
            rejection(list(sections: [["a"], ["a"]]))
                == FieldError("interactive.action.sections[1].rows[0].id", "must be unique in the list"))
    }

    @Test func reactionsCannotQuoteAndTakeOneEmoji() {
        #expect(rejection(OutboundMessage(.reaction(messageID: "wamid.1", emoji: "👍🏽"))) == nil)
        #expect(rejection(OutboundMessage(.reaction(messageID: "wamid.1", emoji: ""))) == nil)
        #expect(
            rejection(OutboundMessage(.reaction(messageID: "wamid.1", emoji: "👍👍")))
                == FieldError("reaction.emoji", "must be a single emoji or empty"))
        #expect(
            rejection(OutboundMessage(.reaction(messageID: "wamid.1", emoji: "👍"), replyTo: "wamid.0"))
                == FieldError("context", "cannot be used with a reaction"))
    }

    @Test func contactsAndTemplates() {
        #expect(
            rejection(OutboundMessage(.contacts([]))) == FieldError("contacts", "must have 1 to 257 contacts (has 0)"))
        #expect(
            rejection(OutboundMessage(.contacts([.init(formattedName: "Ana", birthday: "1990-13-01")])))
                == FieldError("contacts[0].birthday", "must be a date as YYYY-MM-DD"))
        let button = OutboundMessage.Template.Component(kind: .button, parameters: [.payload("yes")])
        #expect(
            rejection(OutboundMessage(.template(.init(name: "order", language: "en_US", components: [button]))))
                == FieldError("template.components[0].sub_type", "is required for buttons"))
        #expect(
            rejection(OutboundMessage(.template(.init(name: "order", language: "", components: []))))
                == FieldError("template.language.code", "must not be empty"))
    }

    @Test func kindsMatchTheStoredType() {
        #expect(OutboundMessage.text("a").kind == .text)
        #expect(OutboundMessage(.media(.init(kind: .audio, source: .id("1"), voice: true))).kind == .audio)
        #expect(OutboundMessage(.list(.init(body: "b", button: "o", sections: []))).kind == .interactive)
        #expect(OutboundMessage(.template(.init(name: "t", language: "en"))).kind == .template)
    }
}
