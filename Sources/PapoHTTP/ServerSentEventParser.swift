import Foundation

/// One server-sent event, as defined by the WHATWG `text/event-stream` format.
public struct ServerSentEvent: Sendable, Hashable {
    /// The `event:` field, `nil` when absent (the spec then calls the event `message`).
    public var event: String?
    /// The `data:` fields of the event joined with `\n`.
    public var data: String
    /// The `id:` field of this event, `nil` when the event did not set one.
    public var id: String?
    /// The `retry:` field in milliseconds, `nil` when absent or not a number.
    public var retry: Int?

    /// Creates an event, as the parser does; tests and fakes build expected events this way.
    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }
}

/// An incremental `text/event-stream` parser: feed it chunks as they arrive, get complete
/// events back. Pure value type with no I/O, so it can be tested byte by byte.
///
/// Lines end with LF, CRLF or CR (even when CR and LF arrive in different chunks); a blank
/// line dispatches the pending event; lines starting with `:` are comments; an event without
/// any `data:` field is not dispatched, as the spec requires.
public struct ServerSentEventParser: Sendable {
    private var line: [UInt8] = []
    private var skipNextLineFeed = false
    private var atStreamStart = true
    private var eventType: String?
    private var dataLines: [String] = []
    private var sawData = false
    private var eventID: String?
    private var eventRetry: Int?

    /// The last `id:` seen in any event, for a reconnect's `Last-Event-ID` header.
    public private(set) var lastEventID: String?

    /// Creates a parser at the start of a stream.
    public init() {}

    /// Consumes `chunk` and returns the events it completed, in order.
    public mutating func parse(_ chunk: some Sequence<UInt8>) -> [ServerSentEvent] {
        var events: [ServerSentEvent] = []
        for byte in chunk {
            if skipNextLineFeed {
                skipNextLineFeed = false
                if byte == UInt8(ascii: "\n") { continue }
            }
            switch byte {
            case UInt8(ascii: "\r"):
                skipNextLineFeed = true
                endLine(into: &events)
            case UInt8(ascii: "\n"):
                endLine(into: &events)
            default:
                line.append(byte)
            }
        }
        return events
    }

    private mutating func endLine(into events: inout [ServerSentEvent]) {
        var text = String(decoding: line, as: UTF8.self)
        line.removeAll(keepingCapacity: true)
        if atStreamStart {
            atStreamStart = false
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        }
        if text.isEmpty {
            dispatch(into: &events)
        } else if !text.hasPrefix(":") {
            process(text)
        }
    }

    private mutating func process(_ text: String) {
        let field: Substring
        var value: Substring
        if let colon = text.firstIndex(of: ":") {
            field = text[..<colon]
            value = text[text.index(after: colon)...]
            if value.first == " " { value.removeFirst() }
        } else {
            field = text[...]
            value = ""
        }
        switch field {
        case "event":
            eventType = String(value)
        case "data":
            dataLines.append(String(value))
            sawData = true
        case "id":
            // The spec ignores ids containing NUL, since they cannot round-trip in a header.
            if !value.contains("\0") {
                eventID = String(value)
                lastEventID = eventID
            }
        case "retry":
            if !value.isEmpty, value.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                eventRetry = Int(value)
            }
        default:
            break
        }
    }

    private mutating func dispatch(into events: inout [ServerSentEvent]) {
        defer {
            eventType = nil
            dataLines.removeAll()
            sawData = false
            eventID = nil
            eventRetry = nil
        }
        guard sawData else { return }
        events.append(
            ServerSentEvent(
                event: eventType, data: dataLines.joined(separator: "\n"), id: eventID,
                retry: eventRetry))
    }
}

/// A response body read as server-sent events; see ``HTTPClientStreamingResponse/serverSentEvents()``.
public struct ServerSentEventStream: AsyncSequence, Sendable {
    public typealias Element = ServerSentEvent

    let body: AsyncThrowingStream<Data, any Error>

    /// Reads chunks from the body and hands out the events they complete, one at a time.
    public struct AsyncIterator: AsyncIteratorProtocol {
        var chunks: AsyncThrowingStream<Data, any Error>.AsyncIterator
        var parser = ServerSentEventParser()
        var ready: [ServerSentEvent] = []

        public mutating func next() async throws -> ServerSentEvent? {
            while ready.isEmpty {
                // An unfinished event at the end of the stream is dropped, as the spec requires.
                guard let chunk = try await chunks.next() else { return nil }
                ready = parser.parse(chunk)
            }
            return ready.removeFirst()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(chunks: body.makeAsyncIterator())
    }
}
