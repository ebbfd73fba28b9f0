import Foundation
import PapoHTTP
import Testing

struct ServerSentEventParserTests {
    private func parseAll(_ text: String) -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        return parser.parse(Array(text.utf8))
    }

    @Test func parsesFieldsOfOneEvent() {
        let events = parseAll("event: delta\nid: 7\nretry: 2500\ndata: {\"x\":1}\n\n")
        #expect(events == [ServerSentEvent(event: "delta", data: "{\"x\":1}", id: "7", retry: 2500)])
    }

    @Test func joinsMultiLineDataWithNewlines() {
        #expect(
            parseAll("data: one\ndata: two\ndata:\ndata: three\n\n") == [ServerSentEvent(data: "one\ntwo\n\nthree")])
    }

    @Test func ignoresCommentsAndUnknownFields() {
        let events = parseAll(": keep-alive\n\n:another\nfoo: bar\ndata: x\n\n")
        #expect(events == [ServerSentEvent(data: "x")])
    }

    @Test func blankLineWithoutDataDispatchesNothing() {
        #expect(parseAll("event: ping\n\nid: 3\n\n").isEmpty)
    }

    @Test func eventWithoutTerminatingBlankLineIsNotDispatched() {
        var parser = ServerSentEventParser()
        #expect(parser.parse(Array("data: partial\n".utf8)).isEmpty)
        #expect(parser.parse(Array("\n".utf8)) == [ServerSentEvent(data: "partial")])
    }

    @Test func removesOnlyOneLeadingSpaceAndAcceptsFieldsWithoutColon() {
        #expect(parseAll("data:  two spaces\n\n") == [ServerSentEvent(data: " two spaces")])
        #expect(parseAll("data\n\n") == [ServerSentEvent(data: "")])
        #expect(parseAll("data:no-space\n\n") == [ServerSentEvent(data: "no-space")])
    }

    @Test func acceptsCRLFAndCRLineEndings() {
        #expect(parseAll("data: a\r\n\r\ndata: b\r\rdata: c\n\n").map(\.data) == ["a", "b", "c"])
    }

    @Test func handlesCRAndLFSplitAcrossChunks() {
        var parser = ServerSentEventParser()
        #expect(parser.parse(Array("data: a\r".utf8)).isEmpty)
        #expect(parser.parse(Array("\n\r".utf8)) == [ServerSentEvent(data: "a")])
        // The LF after that CR ends the CR's line, it is not a second blank line.
        #expect(parser.parse(Array("\ndata: b\n\n".utf8)) == [ServerSentEvent(data: "b")])
    }

    @Test func feedingOneByteAtATimeGivesTheSameEvents() {
        let text = "event: a\ndata: héllo wörld 👋\nid: 1\n\n: c\ndata: second\n\n"
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        for byte in text.utf8 { events += parser.parse([byte]) }
        #expect(events == parseAll(text))
        #expect(
            events == [ServerSentEvent(event: "a", data: "héllo wörld 👋", id: "1"), ServerSentEvent(data: "second")])
    }

    @Test func lastEventIDPersistsAcrossEventsAndInvalidRetryIsIgnored() {
        var parser = ServerSentEventParser()
        let events = parser.parse(Array("id: 41\nretry: soon\ndata: a\n\ndata: b\n\n".utf8))
        #expect(events == [ServerSentEvent(data: "a", id: "41"), ServerSentEvent(data: "b")])
        #expect(parser.lastEventID == "41")
    }

    @Test func stripsByteOrderMarkAtStreamStart() {
        #expect(parseAll("\u{FEFF}data: x\n\n") == [ServerSentEvent(data: "x")])
    }

    @Test func parsesOpenAIStyleStream() {
        let stream =
            "data: {\"choices\":[{\"delta\":{\"content\":\"Ol\"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"á\"}}]}\n\ndata: [DONE]\n\n"
        #expect(parseAll(stream).map(\.data).last == "[DONE]")
        #expect(parseAll(stream).count == 3)
    }
}
